import VODAPI

/// The account's refresh and preload quota (DescribeVodRefreshQuota), on shard 0 only.
struct QuotaCollector: Collector {
    let client: VODClient
    let configuration: AgentConfiguration

    var kind: AgentConfiguration.Collector { .quota }
    var cadence: Cadence { configuration.cadence(of: .quota) }

    func plan(_ engine: AgentEngine) async -> Result<[WorkItem], RunProblem> {
        .success([WorkItem(key: "account")])
    }

    func perform(_ item: WorkItem, engine: AgentEngine) async -> VODClientError? {
        do {
            await engine.apply(quota: try await client.call(DescribeVodRefreshQuota()))
            return nil
        } catch {
            return error
        }
    }
}
