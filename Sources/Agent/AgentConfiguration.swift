/// What the agent polls and how; built from the flags.
public struct AgentConfiguration: Sendable {
    /// Where the domain list comes from.
    public enum DomainSource: Sendable, Equatable {
        /// `--domain` flags.
        case list([String])
        /// `--domains.file`, re-read on SIGHUP.
        case file(String)
        /// DescribeVodUserDomains, every `discoveryInterval`.
        case discovery
    }

    /// The collectors that can be switched on and off.
    public enum Collector: String, Sendable, CaseIterable, Comparable {
        case traffic, bandwidth, quota, tasks
        /// Off by default: origin (back-to-source) traffic and bandwidth, byte and request hit
        /// ratios, request counts, and 1-minute realtime data.
        case origin, hitratio, requests, realtime

        /// The collectors on unless switched off.
        public static let defaults: Set<Collector> = [.traffic, .bandwidth, .quota, .tasks]

        /// Collectors that call the API once or more per domain.
        static let perDomain: Set<Collector> = [.traffic, .bandwidth, .origin, .hitratio, .requests]

        public static func < (lhs: Collector, rhs: Collector) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var domainSource: DomainSource
    public var selection: DomainSelection
    public var collectors: Set<Collector>
    /// `--data.lookback`: the trailing window re-asked on every poll.
    public var lookback: Int64
    /// `--data.settle-delay`.
    public var settleDelay: Int64
    /// `--data.max-backfill`: how far back a gap is filled (with a state file; else the lookback).
    public var maxBackfill: Int64
    /// Seconds between polls (the 5-minute grid) and the offset into each interval.
    public var pollInterval: Int64
    public var pollOffset: Int64
    /// Later polls spread each domain's calls over up to this many seconds (stable per domain).
    public var jitterSpread: Int64
    /// `--discovery.interval`.
    public var discoveryInterval: Int64
    /// Domains polled at the same time (the API client bounds the calls themselves).
    public var maxConcurrentDomains: Int

    public init(
        domainSource: DomainSource, selection: DomainSelection, collectors: Set<Collector> = Collector.defaults,
        lookback: Int64 = 3600, settleDelay: Int64 = 900, maxBackfill: Int64 = 3600, pollInterval: Int64 = 300,
        pollOffset: Int64 = 20, jitterSpread: Int64 = 60, discoveryInterval: Int64 = 600, maxConcurrentDomains: Int = 8
    ) {
        precondition(lookback >= 300 && settleDelay >= 0 && maxBackfill >= lookback && pollInterval > 0, "validated by the flags")
        self.domainSource = domainSource
        self.selection = selection
        self.collectors = collectors
        self.lookback = lookback
        self.settleDelay = settleDelay
        self.maxBackfill = maxBackfill
        self.pollInterval = pollInterval
        self.pollOffset = pollOffset
        self.jitterSpread = jitterSpread
        self.discoveryInterval = discoveryInterval
        self.maxConcurrentDomains = maxConcurrentDomains
    }

    var rules: SettlementRules {
        SettlementRules(settleDelay: settleDelay, horizon: lookback + 300)
    }
}
