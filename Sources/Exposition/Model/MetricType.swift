/// The kinds of metric family this project exposes.
public enum MetricType: String, Sendable, CaseIterable {
    /// A monotonically increasing count; the family name ends in `_total`.
    case counter
    /// A value that can go up and down.
    case gauge
    /// Cumulative buckets plus `_sum` and `_count`.
    case histogram
    /// Constant value 1 carrying descriptive labels; the family name ends in `_info`.
    /// Rendered as a gauge in text 0.0.4 and as an `info` family in OpenMetrics.
    case info
}
