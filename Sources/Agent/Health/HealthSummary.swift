/// What the health metrics show: every collector's latest runs, whether data arrives, and when
/// a data call last succeeded (nil before the first).
public struct HealthSummary: Sendable {
    public var collectors: [AgentConfiguration.Collector: CollectorHealth]
    public var isUp: Bool
    public var lastDataCallSuccess: Double?
}
