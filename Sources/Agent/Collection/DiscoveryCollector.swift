import VODAPI

/// The account's online domains (DescribeVodUserDomains, every page), every
/// `--discovery.interval`, when no domain is configured. A failure keeps the last list.
struct DiscoveryCollector: Collector {
    let client: VODClient
    let configuration: AgentConfiguration

    var kind: AgentConfiguration.Collector { .discovery }
    var cadence: Cadence { configuration.discoveryCadence }

    func plan(_ engine: AgentEngine) async -> Result<[WorkItem], RunProblem> {
        .success([WorkItem(key: "account")])
    }

    func perform(_ item: WorkItem, engine: AgentEngine) async -> VODClientError? {
        do {
            let domains = try await client.allUserDomains(status: .online)
            await engine.apply(discovered: domains.map { DomainInfo(name: $0.name.lowercased(), cname: $0.cname, status: $0.status) })
            return nil
        } catch {
            return error
        }
    }
}

/// A domain as discovery reported it.
public struct DomainInfo: Sendable, Equatable {
    public var name: String
    public var cname: String
    public var status: String
}
