import HTTPClient
import Primitives
import VODAPI

/// The API's billing figures of the current month (China time), every
/// `--collector.usage.interval`: per selected domain, its billing traffic per area
/// (DescribeVodDomainUsageData by the hour, one call per area) and its 95th percentile
/// (DescribeVodDomainMax95BpsData, `Cycle=month`); on shard 0 the same for the whole account.
/// The agent's own figures come from the settled buckets the traffic and bandwidth collectors
/// fetch: no call here.
struct UsageCollector: Collector {
    let client: VODClient
    let configuration: AgentConfiguration
    /// Which month, and which of its hours have passed.
    let time: any TimeSource

    /// API calls per domain, and for the account (shard 0), in one run.
    static let callsPerDomain = 3
    static let accountCalls = 3
    /// The key of the account's work item (a domain name always has a dot).
    static let accountKey = "account"

    var kind: AgentConfiguration.Collector { .usage }
    var cadence: Cadence { configuration.cadence(of: .usage) }

    func plan(_ engine: AgentEngine) async -> Result<[WorkItem], RunProblem> {
        let account = configuration.selection.shard.runsAccountCollectors ? [WorkItem(key: Self.accountKey)] : []
        switch await engine.selectedDomains() {
        case .success(let domains): return .success(account + domains.map { WorkItem(key: $0, domains: [$0]) })
        // The account's figures need no domain list.
        case .failure(let problem): return account.isEmpty ? .failure(problem) : .success(account)
        }
    }

    func perform(_ item: WorkItem, engine: AgentEngine) async -> VODClientError? {
        let now = Int64(time.now())
        let month = BillingMonth(containing: now)
        // Whole hours that have passed; the API fills its newest hours over the next few.
        let hourEnd = min(month.end, now / 3600 * 3600)
        var bytes: [Area: Double] = [.domestic: 0, .overseas: 0]
        var invalid = 0
        // Values no CDN can produce are counted and left out, as everywhere.
        func plausible(_ value: Double?, limit: Double) -> Double? {
            guard let value else { return nil }
            if DataBounds.isPlausible(value, limit: limit) { return value }
            invalid += 1
            return nil
        }
        do {
            if hourEnd > month.start {
                for (area, billing) in [(Area.domestic, DescribeVodDomainUsageData.BillingArea.domestic), (.overseas, .overseas)] {
                    let answer = try await client.call(DescribeVodDomainUsageData(field: .traffic, area: billing, domains: item.domains,
                                                                                  start: month.start, end: hourEnd, interval: 3600))
                    bytes[area] = answer.slots.filter { month.contains($0.timestamp) }
                        .reduce(0) { $0 + (plausible($1.value, limit: DataBounds.bytesPerSecond * 3600) ?? 0) }
                }
            }
            let max95 = try await client.call(DescribeVodDomainMax95BpsData(domain: item.domains.first, cycle: .month, start: month.start, end: month.end))
            var areas: [Area: Double] = [:]
            areas[.domestic] = plausible(max95.domesticBitsPerSecond, limit: DataBounds.bitsPerSecond)
            areas[.overseas] = plausible(max95.overseasBitsPerSecond, limit: DataBounds.bitsPerSecond)
            let billed = UsageBook.Billed(month: month, bytes: bytes, percentile95: plausible(max95.bitsPerSecond, limit: DataBounds.bitsPerSecond),
                                          areaPercentile95: areas)
            await engine.apply(billed, domain: item.domains.first, invalidValues: invalid)
            return nil
        } catch {
            return error
        }
    }
}
