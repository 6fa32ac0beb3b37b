import Agent
import Exposition
import Foundation
import Testing
import VODAPI

/// The usage collector in the agent: its own figures follow the definitions over the buckets the
/// fake API serves, the API's stand beside them, a restart or a domain that leaves and returns
/// changes nothing, and a new month starts at zero.
@Suite struct UsageCollectorTests {
    static let domains = ["a.example.com", "b.example.com", "c.example.com"]
    /// The fake's default clock is in November 2025 (China time).
    static let month = BillingMonth(containing: 1_764_000_000)
    static let collectors: Set<AgentConfiguration.Collector> = [.traffic, .bandwidth, .usage]

    /// The buckets the agent has settled when its clock reads `now`: from the month's start to
    /// 20 minutes ago (the fake's 10-minute delay, the 15-minute settle delay, the bucket).
    static func settledBuckets(at now: Int64) -> [Int64] {
        Array(stride(from: month.start, through: (now - 1200) / 300 * 300, by: 300))
    }

    /// A bucket's bandwidth in bit/s as BpsData splits it, both areas together.
    static func bitsPerSecond(_ domain: String, _ start: Int64) -> Double {
        let value = FakeVODAPI.traffic(domain, start) * 8 / 300
        return (value * 0.75).rounded() + (value - (value * 0.75).rounded())
    }

    /// The definition: the top 5 % (rounded down) of the points so far left out, the next one.
    static func percentile95(_ points: [Double]) -> Double {
        points.sorted(by: >)[points.count * 5 / 100]
    }

    static func usageFamilies(_ families: [String: MetricFamily]) -> [String: MetricFamily] {
        families.filter { $0.key.hasPrefix("aliyun_vod_usage_") }
    }

    /// A family's series as text, sorted: for comparing two agents' families.
    static func text(_ family: MetricFamily?) -> [String] {
        (family?.series ?? []).map { series in "\(series.labels.pairs.map { "\($0.name)=\($0.value)" }) \(series.value)" }.sorted()
    }

    static func run(_ harnesses: [EngineHarness], api: FakeVODAPI, cycles: Int, domains: (Int) -> [String] = { _ in domains }) async throws -> [[String: MetricFamily]] {
        var last: [[String: MetricFamily]] = []
        for cycle in 0..<cycles {
            api.advance(300)
            api.settings.withLock { $0.domains = domains(cycle) }
            last = []
            for harness in harnesses { last.append(try await harness.cycle()) }
        }
        return last
    }

    @Test func ourFiguresFollowTheDefinitionsAndTheAPIsStandBeside() async throws {
        let api = FakeVODAPI()
        // From an hour before the month into its tenth hour: the old month's buckets are not counted.
        api.settings.withLock { $0.now = Self.month.start - 3600; $0.domains = Self.domains }
        let end = Self.month.start + 10 * 3600
        let summed = Self.settledBuckets(at: end).map { start in Self.domains.reduce(0) { $0 + Self.bitsPerSecond($1, start) } }
        // A commitment some 40 points of the month are above, halfway between two values (values
        // repeat, and sums in another order differ in the last bit): the budget counts exactly those.
        let sorted = summed.sorted(by: >)
        let next = try #require(sorted.dropFirst(40).first { $0 < sorted[40] - 1 })
        let committed = (sorted[40] + next) / 2
        let above = summed.filter { $0 > committed }.count
        let prices = try PriceSheet.parse(Array(#"{"currency": "CNY", "method": "traffic", "bytes_per_gb": 1000, "domestic": [{"price": 2}], "overseas": [{"price": 5}]}"#.utf8))
        let harness = try EngineHarness(collectors: Self.collectors, api: api,
                                        usage: UsageSettings(committed: [CommittedBandwidth(domain: nil, bitsPerSecond: committed),
                                                                         CommittedBandwidth(domain: "b.example.com", bitsPerSecond: 1e12)], prices: prices))
        let families = try await Self.run([harness], api: api, cycles: Int((end - api.now) / 300))[0]
        #expect(api.now == end)
        let buckets = Self.settledBuckets(at: end)

        for domain in Self.domains {
            let points = buckets.map { Self.bitsPerSecond(domain, $0) }
            let p95 = try #require(families["aliyun_vod_usage_bandwidth_p95_bytes_per_second"]?.value(["domain": domain, "source": "buckets"]))
            #expect(abs(p95 * 8 - Self.percentile95(points)) < 1e-6, "\(domain)")
            #expect(families["aliyun_vod_usage_bandwidth_p95_bytes_per_second"]?.value(["domain": domain, "source": "billing"]) == FakeVODAPI.max95(domain) / 8)
            let difference = try #require(families["aliyun_vod_usage_bandwidth_p95_difference_ratio"]?.value(["domain": domain]))
            #expect(abs(difference - (Self.percentile95(points) - FakeVODAPI.max95(domain)) / FakeVODAPI.max95(domain)) < 1e-9)
            #expect(families["aliyun_vod_usage_coverage_ratio"]?.value(["domain": domain]) == 1)
            let domestic = buckets.reduce(0.0) { $0 + (FakeVODAPI.traffic(domain, $1) * 0.75).rounded() }
            #expect(families["aliyun_vod_usage_traffic_bytes"]?.value(["domain": domain, "area": "domestic", "source": "buckets"]) == domestic)
            // The day's peak (UsageLedgerTests sees it move to the next day).
            let today = points.max()!
            #expect(abs(try #require(families["aliyun_vod_usage_day_peak_bandwidth_bytes_per_second"]?.value(["domain": domain])) * 8 - today) < 1e-6)
        }
        // Billing traffic: the whole hours that have passed, as the API reports them.
        let hourEnd = end / 3600 * 3600
        let billedBuckets = stride(from: Self.month.start, to: hourEnd, by: 300).filter { $0 + 300 <= end - 600 }
        let billedDomestic = Self.domains.reduce(0.0) { sum, domain in billedBuckets.reduce(sum) { $0 + (FakeVODAPI.traffic(domain, $1) * 0.75).rounded() } }
        let billedOverseas = Self.domains.reduce(0.0) { sum, domain in
            billedBuckets.reduce(sum) { $0 + FakeVODAPI.traffic(domain, $1) - (FakeVODAPI.traffic(domain, $1) * 0.75).rounded() }
        }
        #expect(families["aliyun_vod_usage_account_traffic_bytes"]?.value(["area": "domestic", "source": "billing"]) == billedDomestic)
        #expect(families["aliyun_vod_usage_account_traffic_bytes"]?.value(["area": "overseas", "source": "billing"]) == billedOverseas)

        // The account: the summed points, and its 95th percentile against the API's.
        let accountP95 = try #require(families["aliyun_vod_usage_account_bandwidth_p95_bytes_per_second"]?.value(["area": "all", "source": "buckets"]))
        #expect(abs(accountP95 * 8 - Self.percentile95(summed)) < 1e-6)
        let accountBilled = Self.domains.map(FakeVODAPI.max95).reduce(0, +)
        #expect(families["aliyun_vod_usage_account_bandwidth_p95_bytes_per_second"]?.value(["area": "all", "source": "billing"]) == accountBilled / 8)
        #expect(families["aliyun_vod_usage_account_bandwidth_p95_difference_ratio"]?.value() != nil)

        // The burst budgets: exactly the points above the account's commitment; none above 1 Tbit/s.
        #expect(above > 40 && above < 60)
        #expect(families["aliyun_vod_usage_burst_points_allowed"]?.value() == Double(Self.month.burstPointCount))
        #expect(families["aliyun_vod_usage_burst_points_used"]?.value() == Double(above))
        let projected = (Double(above) * Double(Self.month.pointCount) / Double(summed.count)).rounded(.up)
        #expect(families["aliyun_vod_usage_burst_points_projected"]?.value() == projected)
        #expect(families["aliyun_vod_usage_burst_points_used"]?.value(["domain": "b.example.com"]) == 0)
        #expect(families["aliyun_vod_usage_committed_bandwidth_bytes_per_second"]?.value(["domain": "b.example.com"]) == 1e12 / 8)

        // The estimate: the billing traffic at 2 and 5 per 1,000 bytes, and scaled to the whole month.
        let cost = billedDomestic / 1000 * 2 + billedOverseas / 1000 * 5
        let labels: (String) -> Labels = { ["currency": "CNY", "method": "traffic", "period": $0] }
        let monthToDate = try #require(families["aliyun_vod_usage_estimated_cost"]?.value(labels("month_to_date")))
        #expect(abs(monthToDate - cost) < 1e-6 * cost)
        let elapsed = Double(end - Self.month.start) / Double(Self.month.end - Self.month.start)
        #expect(abs(try #require(families["aliyun_vod_usage_estimated_cost"]?.value(labels("projected"))) - cost / elapsed) < 1e-6 * cost / elapsed)
        #expect(abs(try #require(families["aliyun_vod_usage_month_elapsed_ratio"]?.value()) - elapsed) < 1e-12)
    }

    /// A restart from the state file, and a domain that leaves the list and returns, give
    /// exactly the figures of an agent that kept running and never lost it.
    @Test func aRestartAndADomainThatReturnsChangeNothing() async throws {
        let api = FakeVODAPI()
        // From the month's first buckets: the figures cover the month so far.
        api.settings.withLock { $0.now = Self.month.start + 1200; $0.domains = Self.domains }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("usage-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let control = try EngineHarness(source: .list(Self.domains), collectors: Self.collectors, maxBackfill: 7200, api: api)
        let first = try EngineHarness(collectors: Self.collectors, maxBackfill: 7200, api: api, stateFile: StateFile(path: path))
        _ = try await Self.run([control, first], api: api, cycles: 12)
        // b leaves discovery for 30 minutes, then returns.
        _ = try await Self.run([control, first], api: api, cycles: 6, domains: { _ in ["a.example.com", "c.example.com"] })
        _ = try await Self.run([control, first], api: api, cycles: 2)
        // The process ends (the state was saved after its last run); the next one restores it.
        let second = try EngineHarness(collectors: Self.collectors, maxBackfill: 7200, api: api, stateFile: StateFile(path: path))
        try await second.service.prepare()
        let last = try await Self.run([control, second], api: api, cycles: 12)
        let (expected, restored) = (Self.usageFamilies(last[0]), Self.usageFamilies(last[1]))
        #expect(!expected.isEmpty)
        for name in expected.keys.sorted() where !name.contains("difference") && !name.contains("account") {
            #expect(Self.text(restored[name]) == Self.text(expected[name]), "\(name)")
        }
        let buckets = Self.settledBuckets(at: api.now)
        let points = buckets.map { Self.bitsPerSecond("b.example.com", $0) }
        #expect(abs(try #require(restored["aliyun_vod_usage_bandwidth_p95_bytes_per_second"]?.value(["domain": "b.example.com", "source": "buckets"])) * 8
                - Self.percentile95(points)) < 1e-6)
        let domestic = buckets.reduce(0.0) { $0 + (FakeVODAPI.traffic("b.example.com", $1) * 0.75).rounded() }
        #expect(restored["aliyun_vod_usage_traffic_bytes"]?.value(["domain": "b.example.com", "area": "domestic", "source": "buckets"]) == domestic,
                "each bucket once: none missed while away, none counted twice")
        #expect(restored["aliyun_vod_usage_coverage_ratio"]?.value(["domain": "b.example.com"]) == 1)
    }

    /// On a shard other than 0: the domains' figures, no account figure, no estimate; the
    /// usage calls fit an hour at 1,000 domains.
    @Test func aShardServesItsDomainsOnly() async throws {
        let api = FakeVODAPI()
        api.settings.withLock { $0.domains = Self.domains }
        let shard = try #require(ShardSpec(parsing: "1/2"))
        let prices = try PriceSheet.parse(Array(#"{"currency": "CNY", "method": "traffic", "domestic": [{"price": 0.2}]}"#.utf8))
        let harness = try EngineHarness(shard: shard, collectors: Self.collectors, api: api, usage: UsageSettings(prices: prices))
        let families = try await Self.run([harness], api: api, cycles: 2)[0]
        let domains = Set(families["aliyun_vod_usage_traffic_bytes"]?.series.compactMap { $0.labels.pairs.first { $0.name == "domain" }?.value } ?? [])
        #expect(!domains.isEmpty && domains == Set(Self.domains.filter(shard.owns)))
        #expect(families["aliyun_vod_usage_account_traffic_bytes"] == nil)
        #expect(families["aliyun_vod_usage_estimated_cost"] == nil)
        #expect(!api.calls.contains { $0.action == "DescribeVodDomainMax95BpsData" && $0.parameters["DomainName"] == nil })
        #expect(RunBudget.callsPerRun(.usage, domains: 1000) == 3003)
    }
}
