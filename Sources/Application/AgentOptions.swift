import Agent
import Flags
import Primitives
import VODAPI

/// The agent's own flags: domains, data semantics, state, collectors, the API.
public struct AgentOptions: Sendable {
    static let domain = Flag.list("domain", placeholder: "NAME",
        help: "A domain to poll (repeat or comma-separate for several). Without --domain or --domains.file, domains are discovered with DescribeVodUserDomains.")
    static let domainsFile = Flag.optionalString("domains.file", placeholder: "PATH",
        help: "File listing domains, one per line, # for comments; must be readable at start; re-read on SIGHUP (a bad file then keeps the previous list).")
    static let include = Flag.optionalString("domains.include", placeholder: "REGEX", help: "Poll only domains matching this regular expression (whole name).")
    static let exclude = Flag.optionalString("domains.exclude", placeholder: "REGEX", help: "Skip domains matching this regular expression (whole name).")
    static let discoveryInterval = Flag.duration("discovery.interval", default: 600, atLeast: 60, help: "How often discovery refreshes the domain list.")
    static let shard = Flag.choice("shard", default: "0/1", placeholder: "I/N", expected: "I/N with 0 ≤ I < N ≤ 1024, such as 0/3",
        help: "Poll only the domains whose stable hash modulo N is I; account-wide collectors run on shard 0. A shard that owns no domain is healthy; an I of N or more polls nothing and is not ready (N too small for the replicas).", parse: { ShardSpec(parsing: $0) })
    static let lookback = Flag.duration("data.lookback", default: 3600, atLeast: 300, atMost: 2 * 86_400,
        help: "Trailing window re-read on every run (revisions inside it are seen).")
    static let settleDelay = Flag.duration("data.settle-delay", default: 900, atLeast: 300, atMost: 86_400,
        help: "A 5-minute bucket counts once this long after its end (the API's 5-minute data arrives about 15 minutes late; what it revises later is added as a revision).")
    static let maxBackfill = Flag.duration("data.max-backfill", default: 86_400, atLeast: 300, atMost: 30 * 86_400,
        help: "With --state.file: how far back a gap since the last counted bucket is filled.")
    static let stateFile = Flag.optionalString("state.file", placeholder: "PATH",
        help: "Keep counters and cursors here across restarts (written atomically after each run of a per-domain collector).")
    /// One switch per collector, on when the collector is one of the defaults.
    static let collectorSwitches: [(AgentConfiguration.Collector, Flag<Bool>)] = [
        (.traffic, "Traffic per domain (DescribeVodDomainTrafficData)."),
        (.bandwidth, "Bandwidth per domain (DescribeVodDomainBpsData)."),
        (.quota, "Refresh and preload quota (DescribeVodRefreshQuota)."),
        (.tasks, "Refresh and preload task counts (DescribeVodRefreshTasks)."),
        (.origin, "Back-to-origin traffic and bandwidth per domain (DescribeVodDomainSrcTrafficData, …SrcBpsData)."),
        (.hitratio, "Byte and request hit ratios per domain (DescribeVodDomainHitRateData, …ReqHitRateData)."),
        (.requests, "Request counts and rates per domain (DescribeVodDomainQpsData)."),
        (.usage, "The billing month's usage (China time): billing traffic and 95th percentile from the API (DescribeVodDomainUsageData, DescribeVodDomainMax95BpsData) beside the agent's own from the settled buckets, burst budgets and an estimated cost (docs/usage.md). Costs 3 calls per domain per --collector.usage.interval, plus 3 for the account on shard 0 (1,000 domains hourly: 3,003 calls an hour), made only with the rate the other collectors leave, so they never wait for it; its own figures need no call."),
        (.realtime, "1-minute bandwidth, requests and status codes per domain, 20 domains a call (DescribeVodDomainRealTimeDetailData), about 6 minutes old instead of 20: what the spike alerts page on. Costs 1 call per 20 domains per --collector.realtime.interval (1,000 domains: 50 calls a minute)."),
    ].map { collector, help in
        (collector, Flag.boolean("collector.\(collector.rawValue)", default: AgentConfiguration.Collector.defaults.contains(collector), help: help))
    }
    static let realtimeInterval = Flag.duration("collector.realtime.interval", default: 60, atLeast: 30, atMost: 600,
        help: "How often the realtime collector runs: one call per 20 domains each time (1,000 domains at 1m: 50 calls a minute).")

    static let usageInterval = Flag.duration("collector.usage.interval", default: 3600, atLeast: 600, atMost: 86_400,
        help: "How often the usage collector asks the API for the month's billing figures: 3 calls per domain each time, plus 3 on shard 0.")
    static let committedBandwidth = Flag.list("usage.committed-bandwidth", placeholder: "[DOMAIN=]RATE",
        help: "A committed 95th-percentile bandwidth such as 800Mbit/s (the domains this agent polls together; unsharded agents only) or video.example.com=200Mbit/s (one domain): the burst budget counts the month's 5-minute points above it.")
    static let priceFile = Flag.optionalString("usage.price-file", placeholder: "PATH",
        help: "Your prices (JSON, docs/usage.md), read at start: the estimated cost of the month, on shard 0.")

    /// The agent's flags, in `--help` order, with the API's.
    public static let flags: [any FlagDeclaration] = [
        domain, domainsFile, include, exclude, discoveryInterval, shard, lookback, settleDelay, maxBackfill, stateFile,
    ] + collectorSwitches.map(\.1) + [realtimeInterval, usageInterval, committedBandwidth, priceFile] + APIOptions.flags + RemoteWriteOptions.agentFlags

    public var agent: AgentConfiguration
    public var api: APIOptions
    public var stateFile: String?
    /// Where settled buckets are sent at their own time, if anywhere.
    var remoteWrite: RemoteWriteOptions

    public init(_ flags: FlagValues) throws(UsageError) {
        let domains = try flags.value(Self.domain).map { $0.lowercased() }
        for domain in domains where !DomainName.isValid(domain) {
            throw flags.invalid(Self.domain, domain, expected: "a domain name")
        }
        let source: AgentConfiguration.DomainSource
        switch (domains.isEmpty, try flags.value(Self.domainsFile)) {
        case (true, nil): source = .discovery
        case (false, nil): source = .list(domains)
        case (true, let path?): source = .file(path)
        case (false, .some): throw UsageError("--domain and --domains.file cannot be used together")
        }
        let (include, exclude, shard) = (try flags.value(Self.include), try flags.value(Self.exclude), try flags.value(Self.shard))
        let selection: DomainSelection
        do {
            selection = try DomainSelection(include: include, exclude: exclude, shard: shard)
        } catch {
            throw UsageError("--domains.include/--domains.exclude: \(error.description)")
        }
        let lookback = Int64(try flags.value(Self.lookback))
        let settleDelay = Int64(try flags.value(Self.settleDelay))
        let maxBackfill = Int64(try flags.value(Self.maxBackfill))
        try Self.checkWindow(lookback: lookback, settleDelay: settleDelay)
        stateFile = try flags.value(Self.stateFile)
        // Without state, a gap can only be filled from the lookback.
        let backfill = stateFile == nil ? lookback : max(maxBackfill, lookback)
        var collectors: Set<AgentConfiguration.Collector> = []
        for (collector, flag) in Self.collectorSwitches where try flags.value(flag) {
            collectors.insert(collector)
        }
        api = try APIOptions(flags)
        remoteWrite = try RemoteWriteOptions(flags)
        if remoteWrite.url != nil && stateFile == nil {
            throw UsageError("--remote-write.url needs --state.file: the samples not yet sent and the send cursors are kept beside it, so a restart neither loses nor repeats a bucket")
        }
        let usage = try Self.usageSettings(flags, shard: shard)
        // As many domains in flight per run as API calls: more would only queue at the gate.
        agent = AgentConfiguration(
            domainSource: source, selection: selection, collectors: collectors, lookback: lookback,
            settleDelay: settleDelay, maxBackfill: backfill,
            realtimeInterval: Int64(try flags.value(Self.realtimeInterval)), usageInterval: Int64(try flags.value(Self.usageInterval)), usage: usage,
            discoveryInterval: Int64(try flags.value(Self.discoveryInterval)),
            maxConcurrentDomains: api.maxConcurrency, maxQPS: api.maxQPS, sendsTimestampedSamples: remoteWrite.url != nil)
    }

    /// The committed bandwidths and the price file.
    static func usageSettings(_ flags: FlagValues, shard: ShardSpec) throws(UsageError) -> UsageSettings {
        var committed: [CommittedBandwidth] = []
        for text in try flags.value(Self.committedBandwidth) {
            guard let commitment = CommittedBandwidth(parsing: text) else {
                throw flags.invalid(Self.committedBandwidth, text, expected: "a rate such as 800Mbit/s or 1.5Gbit/s, or DOMAIN=RATE")
            }
            if let domain = commitment.domain, !DomainName.isValid(domain) {
                throw flags.invalid(Self.committedBandwidth, text, expected: "DOMAIN=RATE with a domain name")
            }
            guard !committed.contains(where: { $0.domain == commitment.domain }) else {
                throw UsageError("--usage.committed-bandwidth: \(commitment.domain ?? "the account") is given twice")
            }
            if commitment.domain == nil && shard.count > 1 {
                throw UsageError("--usage.committed-bandwidth \(text): a commitment without a domain needs every domain in one agent, and --shard \(shard) polls a part; give per-domain commitments (DOMAIN=RATE) or run unsharded")
            }
            committed.append(commitment)
        }
        let prices = try flags.value(Self.priceFile).map { path throws(UsageError) in try PriceFile.read(path, flag: Self.priceFile.definition.name) }
        return UsageSettings(committed: committed, prices: prices)
    }

    /// A bucket is counted once settled and while inside the lookback; runs come every 5
    /// minutes, so the window must hold a settled bucket for a whole run interval or some are
    /// never counted (a lookback of 5m with the default settle delay counts nothing at all).
    static func checkWindow(lookback: Int64, settleDelay: Int64) throws(UsageError) {
        let needed = settleDelay + 2 * BucketLedger.bucketSeconds
        guard lookback < needed else { return }
        let suggestion = DurationText.format(Double(max(3600, (needed + 899) / 900 * 900)))
        throw UsageError("--data.lookback \(DurationText.format(Double(lookback))) is too short for --data.settle-delay \(DurationText.format(Double(settleDelay))): a 5-minute bucket counts once settled and while inside the lookback, which needs at least \(DurationText.format(Double(needed))) (the settle delay + 10m); use --data.lookback \(suggestion), or a shorter --data.settle-delay")
    }
}
