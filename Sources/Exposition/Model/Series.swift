/// One series of a family: its label set and its value.
public struct Series: Sendable {
    /// The value of a series: a number, or a histogram's buckets.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case histogram(HistogramValue)
    }

    public let labels: Labels
    public let value: Value

    /// A counter, gauge or info series.
    public init(_ labels: Labels = .none, _ value: Double) {
        self.labels = labels
        self.value = .number(value)
    }

    /// A histogram series.
    public init(_ labels: Labels = .none, histogram: HistogramValue) {
        self.labels = labels
        self.value = .histogram(histogram)
    }
}
