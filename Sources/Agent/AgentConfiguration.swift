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
        /// On by default; realtime (1-minute data, the spike alerts' first source) costs one call
        /// per 20 domains a minute.
        case traffic, bandwidth, quota, tasks, realtime
        /// On by default (its calls are free): the API's billing figures of the month, hourly, 3
        /// calls per domain and 3 for the account; the agent's own from the settled buckets.
        case usage
        /// Off by default: origin (back-to-source) traffic and bandwidth, byte and request hit
        /// ratios, and request counts.
        case origin, hitratio, requests
        /// No switch of its own: it runs when the domains come from the account (no `--domain`
        /// and no `--domains.file`), first, so the others have a list.
        case discovery

        /// The collectors on unless switched off.
        public static let defaults: Set<Collector> = [.traffic, .bandwidth, .quota, .tasks, .realtime, .usage]

        /// Collectors of settled 5-minute data: one or more calls per domain on the 5-minute grid.
        public static let settled: Set<Collector> = [.traffic, .bandwidth, .origin, .hitratio, .requests]

        /// Collectors whose data makes the agent up: the domain data, settled or realtime.
        public static let data: Set<Collector> = settled.union([.realtime])

        /// Whether its calls take only the rate the others leave (the gate's background lane):
        /// usage, whose figures are hourly and wait for no one.
        public var isBackground: Bool { self == .usage }

        public static func < (lhs: Collector, rhs: Collector) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var domainSource: DomainSource
    public var selection: DomainSelection
    public var collectors: Set<Collector>
    /// `--data.lookback`: the trailing window re-asked on every run.
    public var lookback: Int64
    /// `--data.settle-delay`.
    public var settleDelay: Int64
    /// `--data.max-backfill`: how far back a gap is filled (with a state file; else the lookback).
    public var maxBackfill: Int64
    /// Seconds between runs of the settled-data collectors (the 5-minute grid) and the offset
    /// into each interval.
    public var pollInterval: Int64
    public var pollOffset: Int64
    /// Scheduled runs of the settled-data collectors start each domain's calls at a stable point
    /// within this many seconds after the grid point.
    public var spreadWindow: Int64
    /// `--collector.realtime.interval`.
    public var realtimeInterval: Int64
    /// Seconds between runs of the account-wide collectors (quota, tasks).
    public var accountInterval: Int64
    /// `--collector.usage.interval`.
    public var usageInterval: Int64
    /// `--usage.committed-bandwidth`, `--usage.price-file`.
    public var usage: UsageSettings
    /// `--discovery.interval`.
    public var discoveryInterval: Int64
    /// Domains (or realtime calls) one collector run has in progress at once; the API client's
    /// gate bounds the calls themselves.
    public var maxConcurrentDomains: Int
    /// `--api.max-qps`: used to project whether the collectors' calls fit their intervals.
    public var maxQPS: Double
    /// With `--remote-write.url`: each new settled bucket and realtime minute is also kept as a
    /// sample at its own time, for the remote-write queue.
    public var sendsTimestampedSamples: Bool

    public init(
        domainSource: DomainSource, selection: DomainSelection, collectors: Set<Collector> = Collector.defaults,
        lookback: Int64 = 3600, settleDelay: Int64 = 900, maxBackfill: Int64 = 3600, pollInterval: Int64 = 300,
        pollOffset: Int64 = 20, spreadWindow: Int64 = 60, realtimeInterval: Int64 = 60, accountInterval: Int64 = 600,
        usageInterval: Int64 = 3600, usage: UsageSettings = UsageSettings(), discoveryInterval: Int64 = 600, maxConcurrentDomains: Int = 8, maxQPS: Double = 10,
        sendsTimestampedSamples: Bool = false
    ) {
        precondition(lookback >= 300 && settleDelay >= 0 && maxBackfill >= lookback && pollInterval > 0, "validated by the flags")
        precondition(realtimeInterval >= 10 && accountInterval > 0 && usageInterval >= 60 && discoveryInterval > 0 && maxQPS > 0, "validated by the flags")
        self.domainSource = domainSource
        self.selection = selection
        self.collectors = collectors
        self.lookback = lookback
        self.settleDelay = settleDelay
        self.maxBackfill = maxBackfill
        self.pollInterval = pollInterval
        self.pollOffset = pollOffset
        self.spreadWindow = spreadWindow
        self.realtimeInterval = realtimeInterval
        self.accountInterval = accountInterval
        self.usageInterval = usageInterval
        self.usage = usage
        self.discoveryInterval = discoveryInterval
        self.maxConcurrentDomains = maxConcurrentDomains
        self.maxQPS = maxQPS
        self.sendsTimestampedSamples = sendsTimestampedSamples
    }

    /// The collectors that run in this replica: the ones switched on, less the account-wide
    /// ones on shards other than 0 (the usage collector runs on every shard for its domains,
    /// and asks for the account's figures on shard 0).
    var activeCollectors: [Collector] {
        collectors.filter { $0 != .discovery && (selection.shard.runsAccountCollectors || ($0 != .quota && $0 != .tasks)) }.sorted()
    }

    /// Whether the domains this agent polls are the whole account: discovered, with no pattern
    /// and no shard.
    var pollsWholeAccount: Bool {
        domainSource == .discovery && selection.include == nil && selection.exclude == nil && selection.shard.count == 1
    }

    var rules: SettlementRules {
        SettlementRules(settleDelay: settleDelay, horizon: lookback + 300)
    }

    /// When `collector` runs.
    func cadence(of collector: Collector) -> Cadence {
        switch collector {
        case .traffic, .bandwidth, .origin, .hitratio, .requests:
            Cadence(interval: pollInterval, offset: pollOffset, spread: min(spreadWindow, pollInterval / 2))
        case .realtime:
            // Spread over the first half of the minute: 20 domains a call, so a large account's
            // calls do not all start at once.
            Cadence(interval: realtimeInterval, offset: min(15, realtimeInterval / 4), spread: realtimeInterval / 2)
        case .quota, .tasks:
            Cadence(interval: accountInterval, offset: 40 % accountInterval, spread: 0)
        case .usage:
            // Away from the 5-minute grid's busiest seconds, the domains spread over a quarter.
            Cadence(interval: usageInterval, offset: 150 % usageInterval, spread: usageInterval / 4)
        case .discovery:
            discoveryCadence
        }
    }

    /// Seconds without a successful data call, while one waits or fails for every collector,
    /// after which data has stopped (`up` 0): the fastest data collector's interval plus a
    /// margin (90 s with realtime every minute), so a collector that still delivers is never
    /// judged silent between its runs.
    var dataStopThreshold: Double {
        let fastest = activeCollectors.filter { Collector.data.contains($0) }.map { cadence(of: $0).interval }.min() ?? pollInterval
        return Double(fastest) + max(30, Double(fastest) / 10)
    }

    /// When discovery runs: just before the settled-data collectors on its grid points.
    var discoveryCadence: Cadence {
        Cadence(interval: discoveryInterval, offset: 10 % discoveryInterval, spread: 0)
    }
}

/// When a collector runs: on the grid `k × interval + offset`, with the work of a scheduled
/// run started over its first `spread` seconds, and abandoned at its deadline.
public struct Cadence: Sendable, Equatable {
    public var interval: Int64
    public var offset: Int64
    public var spread: Int64

    public init(interval: Int64, offset: Int64, spread: Int64) {
        precondition(interval > 0 && offset >= 0 && spread >= 0 && spread < interval, "a spread within the interval")
        self.interval = interval
        self.offset = offset
        self.spread = spread
    }

    /// Seconds after a run's start when what has not finished counts as failed: the interval
    /// minus a tenth of it (at least 5 s), so a run always ends before the next grid point.
    public var deadline: Double {
        Double(interval) - max(5, Double(interval) / 10)
    }
}
