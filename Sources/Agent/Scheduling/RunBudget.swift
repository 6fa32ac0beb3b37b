import VODAPI

/// Whether the collectors' calls fit their intervals at `--api.max-qps`. Pure.
///
/// Collectors that share a cadence run at the same time and share the rate; the others'
/// average use (calls per run ÷ their interval) is taken off the rate first. A background
/// collector (usage) takes only what every other collector leaves, and takes nothing from them.
public enum RunBudget {
    /// What the projection needs to know of one collector.
    public struct Demand: Sendable, Equatable {
        public var collector: AgentConfiguration.Collector
        public var cadence: Cadence
        public var callsPerRun: Int
        /// Whether its calls go in the gate's background lane.
        public var background: Bool

        public init(collector: AgentConfiguration.Collector, cadence: Cadence, callsPerRun: Int, background: Bool = false) {
            self.collector = collector
            self.cadence = cadence
            self.callsPerRun = callsPerRun
            self.background = background
        }
    }

    /// API calls one run of `collector` makes for `domains` selected domains (without backfill).
    public static func callsPerRun(_ collector: AgentConfiguration.Collector, domains: Int) -> Int {
        switch collector {
        case .traffic, .bandwidth, .requests: domains
        case .origin, .hitratio: 2 * domains
        case .realtime: (domains + DescribeVodDomainRealTimeDetailData.maxDomains - 1) / DescribeVodDomainRealTimeDetailData.maxDomains
        case .quota: 1
        case .tasks: TasksCollector.callsPerRun
        case .usage: UsageCollector.callsPerDomain * domains + UsageCollector.accountCalls
        case .discovery: (domains + DescribeVodUserDomains.maxPageSize - 1) / DescribeVodUserDomains.maxPageSize
        }
    }

    /// Seconds a run of each collector is projected to take: the longer of its spread and the
    /// time its cadence group's calls need at the rate left to it.
    public static func projectedRunSeconds(_ demands: [Demand], maxQPS: Double) -> [AgentConfiguration.Collector: Double] {
        var projected: [AgentConfiguration.Collector: Double] = [:]
        for demand in demands {
            let group = demands.filter { $0.cadence.interval == demand.cadence.interval && $0.background == demand.background }
            let others = demands.filter { demand.background ? !$0.background : !$0.background && $0.cadence.interval != demand.cadence.interval }
            let othersPerSecond = others.reduce(0.0) { $0 + Double($1.callsPerRun) / Double($1.cadence.interval) }
            // A rate the others use up entirely still leaves a trickle: the figure stays finite.
            let available = max(maxQPS - othersPerSecond, maxQPS * 0.05)
            let calls = group.reduce(0) { $0 + $1.callsPerRun }
            projected[demand.collector] = max(Double(demand.cadence.spread), Double(calls) / available)
        }
        return projected
    }
}
