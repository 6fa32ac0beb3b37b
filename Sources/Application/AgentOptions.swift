import Agent
import Flags
import VODAPI

/// The agent's own flags: domains, data semantics, state, collectors, the API.
public struct AgentOptions: Sendable {
    public static let definitions: [FlagDefinition] = [
        FlagDefinition("domain", repeatable: true, placeholder: "NAME",
                       help: "A domain to poll. Without --domain or --domains.file, domains are discovered with DescribeVodUserDomains."),
        FlagDefinition("domains.file", placeholder: "PATH",
                       help: "File listing domains, one per line, # for comments; must be readable at start; re-read on SIGHUP (a bad file then keeps the previous list)."),
        FlagDefinition("domains.include", placeholder: "REGEX", help: "Poll only domains matching this regular expression (whole name)."),
        FlagDefinition("domains.exclude", placeholder: "REGEX", help: "Skip domains matching this regular expression (whole name)."),
        FlagDefinition("discovery.interval", .duration, default: "10m", help: "How often discovery refreshes the domain list."),
        FlagDefinition("shard", default: "0/1", placeholder: "I/N",
                       help: "Poll only the domains whose stable hash modulo N is I; account-wide collectors run on shard 0."),
        FlagDefinition("data.lookback", .duration, default: "1h", help: "Trailing window re-read on every run (revisions inside it are seen)."),
        FlagDefinition("data.settle-delay", .duration, default: "15m", help: "A 5-minute bucket counts once this long after its end."),
        FlagDefinition("data.max-backfill", .duration, default: "24h", help: "With --state.file: how far back a gap since the last counted bucket is filled."),
        FlagDefinition("state.file", placeholder: "PATH", help: "Keep counters and cursors here across restarts (written atomically after each run of a per-domain collector)."),
        FlagDefinition("collector.traffic", .boolean, default: "true", help: "Traffic per domain (DescribeVodDomainTrafficData)."),
        FlagDefinition("collector.bandwidth", .boolean, default: "true", help: "Bandwidth per domain (DescribeVodDomainBpsData)."),
        FlagDefinition("collector.quota", .boolean, default: "true", help: "Refresh and preload quota (DescribeVodRefreshQuota)."),
        FlagDefinition("collector.tasks", .boolean, default: "true", help: "Refresh and preload task counts (DescribeVodRefreshTasks)."),
        FlagDefinition("collector.origin", .boolean, default: "false", help: "Back-to-origin traffic and bandwidth per domain (DescribeVodDomainSrcTrafficData, …SrcBpsData)."),
        FlagDefinition("collector.hitratio", .boolean, default: "false", help: "Byte and request hit ratios per domain (DescribeVodDomainHitRateData, …ReqHitRateData)."),
        FlagDefinition("collector.requests", .boolean, default: "false", help: "Request counts and rates per domain (DescribeVodDomainQpsData)."),
        FlagDefinition("collector.realtime", .boolean, default: "true",
                       help: "1-minute bandwidth, requests and status codes per domain, 20 domains a call (DescribeVodDomainRealTimeDetailData), about 6 minutes old instead of 20: what the spike alerts page on. Costs 1 call per 20 domains per --collector.realtime.interval (1,000 domains: 50 calls a minute)."),
        FlagDefinition("collector.realtime.interval", .duration, default: "1m",
                       help: "How often the realtime collector runs: one call per 20 domains each time (1,000 domains at 1m: 50 calls a minute)."),
    ] + APIOptions.definitions

    public var agent: AgentConfiguration
    public var api: APIOptions
    public var stateFile: String?

    public init(_ flags: FlagValues) throws(UsageError) {
        let domains = flags.strings("domain").map { $0.lowercased() }
        for domain in domains where !DomainName.isValid(domain) {
            throw flags.invalid("domain", domain, expected: "a domain name")
        }
        let file = flags.string("domains.file")
        let source: AgentConfiguration.DomainSource
        switch (domains.isEmpty, file) {
        case (true, nil): source = .discovery
        case (false, nil): source = .list(domains)
        case (true, let path?): source = .file(path)
        case (false, .some): throw UsageError("--domain and --domains.file cannot be used together")
        }
        let shardText = flags.string("shard") ?? "0/1"
        guard let shard = ShardSpec(parsing: shardText) else {
            throw flags.invalid("shard", shardText, expected: "I/N with 0 ≤ I < N ≤ 1024, such as 0/3")
        }
        let selection: DomainSelection
        do {
            selection = try DomainSelection(include: flags.string("domains.include"), exclude: flags.string("domains.exclude"), shard: shard)
        } catch {
            throw UsageError("--domains.include/--domains.exclude: \(error.description)")
        }
        let lookback = Int64(try flags.duration("data.lookback", atLeast: 300) ?? 3600)
        guard lookback <= 2 * 86_400 else { throw flags.invalid("data.lookback", flags.string("data.lookback") ?? "", expected: "at most 2d") }
        let settle = Int64(try flags.duration("data.settle-delay") ?? 900)
        stateFile = flags.string("state.file")
        var backfill = Int64(try flags.duration("data.max-backfill", atLeast: 300) ?? 86_400)
        guard backfill <= 30 * 86_400 else { throw flags.invalid("data.max-backfill", flags.string("data.max-backfill") ?? "", expected: "at most 30d") }
        // Without state, a gap can only be filled from the lookback.
        backfill = stateFile == nil ? lookback : max(backfill, lookback)
        var collectors: Set<AgentConfiguration.Collector> = []
        for collector in AgentConfiguration.Collector.allCases where try flags.boolean("collector.\(collector.rawValue)") {
            collectors.insert(collector)
        }
        let realtimeInterval = Int64(try flags.duration("collector.realtime.interval", atLeast: 30) ?? 60)
        guard realtimeInterval <= 600 else {
            throw flags.invalid("collector.realtime.interval", flags.string("collector.realtime.interval") ?? "", expected: "at most 10m")
        }
        api = try APIOptions(flags)
        // As many domains in flight per run as API calls: more would only queue at the gate.
        agent = AgentConfiguration(
            domainSource: source, selection: selection, collectors: collectors, lookback: lookback, settleDelay: settle,
            maxBackfill: backfill, realtimeInterval: realtimeInterval,
            discoveryInterval: Int64(try flags.duration("discovery.interval", atLeast: 60) ?? 600),
            maxConcurrentDomains: api.maxConcurrency, maxQPS: api.maxQPS)
    }
}
