import Agent
import Flags
import VODAPI

/// The agent's own flags: domains, data semantics, state, collectors, the API.
public struct AgentOptions: Sendable {
    public static let definitions: [FlagDefinition] = [
        FlagDefinition("domain", repeatable: true, placeholder: "NAME",
                       help: "A domain to poll. Without --domain or --domains.file, domains are discovered with DescribeVodUserDomains."),
        FlagDefinition("domains.file", placeholder: "PATH", help: "File listing domains, one per line, # for comments; re-read on SIGHUP."),
        FlagDefinition("domains.include", placeholder: "REGEX", help: "Poll only domains matching this regular expression (whole name)."),
        FlagDefinition("domains.exclude", placeholder: "REGEX", help: "Skip domains matching this regular expression (whole name)."),
        FlagDefinition("discovery.interval", .duration, default: "10m", help: "How often discovery refreshes the domain list."),
        FlagDefinition("shard", default: "0/1", placeholder: "I/N",
                       help: "Poll only the domains whose stable hash modulo N is I; account-wide collectors run on shard 0."),
        FlagDefinition("data.lookback", .duration, default: "1h", help: "Trailing window re-read on every poll (revisions inside it are seen)."),
        FlagDefinition("data.settle-delay", .duration, default: "15m", help: "A 5-minute bucket counts once this long after its end."),
        FlagDefinition("data.max-backfill", .duration, default: "24h", help: "With --state.file: how far back a gap since the last counted bucket is filled."),
        FlagDefinition("state.file", placeholder: "PATH", help: "Keep counters and cursors here across restarts (written atomically after each poll)."),
        FlagDefinition("collector.traffic", .boolean, default: "true", help: "Traffic per domain (DescribeVodDomainTrafficData)."),
        FlagDefinition("collector.bandwidth", .boolean, default: "true", help: "Bandwidth per domain (DescribeVodDomainBpsData)."),
        FlagDefinition("collector.quota", .boolean, default: "true", help: "Refresh and preload quota (DescribeVodRefreshQuota)."),
        FlagDefinition("collector.tasks", .boolean, default: "true", help: "Refresh and preload task counts (DescribeVodRefreshTasks)."),
        FlagDefinition("collector.origin", .boolean, default: "false", help: "Back-to-origin traffic and bandwidth per domain (DescribeVodDomainSrcTrafficData, …SrcBpsData)."),
        FlagDefinition("collector.hitratio", .boolean, default: "false", help: "Byte and request hit ratios per domain (DescribeVodDomainHitRateData, …ReqHitRateData)."),
        FlagDefinition("collector.requests", .boolean, default: "false", help: "Request counts and rates per domain (DescribeVodDomainQpsData)."),
        FlagDefinition("collector.realtime", .boolean, default: "false",
                       help: "1-minute bandwidth, requests and status codes per domain, 20 domains a call (DescribeVodDomainRealTimeDetailData): the freshest data for spike alerts."),
        FlagDefinition("aliyun.endpoint", default: "https://vod.cn-shanghai.aliyuncs.com", placeholder: "URL",
                       help: "VOD API endpoint; plain http:// only for loopback test endpoints."),
        FlagDefinition("aliyun.signature-version", default: "v3", placeholder: "v3|v2", help: "Request signature: v3 (ACS3-HMAC-SHA256) or v2 (HMAC-SHA1)."),
        FlagDefinition("aliyun.sts-endpoint", placeholder: "URL", help: "STS endpoint for role credentials (default: the region's public one)."),
        FlagDefinition("aliyun.metadata-endpoint", default: "http://100.100.100.200", placeholder: "URL", help: "ECS instance metadata service."),
        FlagDefinition("api.max-qps", .number, default: "10", help: "Most API calls per second, for the whole process (the account's limits are shared)."),
        FlagDefinition("api.max-concurrency", .integer, default: "8", help: "Most API calls in flight."),
        FlagDefinition("api.timeout", .duration, default: "10s", help: "Deadline of one API request."),
        FlagDefinition("api.retries", .integer, default: "3", help: "Retries of a failed read call (throttling and 5xx), with backoff."),
    ]

    public var agent: AgentConfiguration
    public var client: VODClientConfiguration
    public var maxQPS: Double
    public var maxConcurrency: Int
    public var stateFile: String?
    public var stsEndpoint: Endpoint?
    public var metadataEndpoint: Endpoint

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
        agent = AgentConfiguration(
            domainSource: source, selection: selection, collectors: collectors, lookback: lookback, settleDelay: settle,
            maxBackfill: backfill, discoveryInterval: Int64(try flags.duration("discovery.interval", atLeast: 60) ?? 600),
            maxConcurrentDomains: try flags.integer("api.max-concurrency", in: 1...256) ?? 8)

        func endpoint(_ name: String) throws(UsageError) -> Endpoint? {
            guard let text = flags.string(name) else { return nil }
            do {
                return try Endpoint(parsing: text, allowInsecureHTTP: name == "aliyun.metadata-endpoint")
            } catch {
                throw UsageError("--\(name): \(error)")
            }
        }
        let versionText = flags.string("aliyun.signature-version") ?? "v3"
        guard let version = SignatureVersion(rawValue: versionText) else {
            throw flags.invalid("aliyun.signature-version", versionText, expected: "v3 or v2")
        }
        client = VODClientConfiguration(
            endpoint: try endpoint("aliyun.endpoint") ?? .vodDefault, signatureVersion: version,
            requestTimeout: try flags.duration("api.timeout", atLeast: 0.1) ?? 10,
            retryPolicy: RetryPolicy(maxAttempts: 1 + (try flags.integer("api.retries", in: 0...10) ?? 3)),
            userAgent: ProductVersion.userAgent)
        maxQPS = try flags.number("api.max-qps", in: 0.1...1000) ?? 10
        maxConcurrency = try flags.integer("api.max-concurrency", in: 1...256) ?? 8
        stsEndpoint = try endpoint("aliyun.sts-endpoint")
        metadataEndpoint = try endpoint("aliyun.metadata-endpoint") ?? ECSMetadataCredentials.defaultEndpoint
    }
}
