/// A validated metric family: name, type, help, optional unit and its series, sorted.
///
/// Everything the formats forbid is refused here, when the family is built: bad names, a unit
/// that is not the name's suffix, a counter without `_total`, duplicate label names in a series,
/// duplicate label sets, histogram buckets out of order, and info values other than 1.
public struct MetricFamily: Sendable {
    /// The name as text 0.0.4 writes it on HELP, TYPE and plain samples (counters end in
    /// `_total`, info families in `_info`).
    public let name: String
    public let type: MetricType
    /// Where the value comes from and what it means; any UTF-8, escaped when rendered.
    public let help: String
    /// The OpenMetrics unit (`bytes`, `seconds`…); the name must end in `_<unit>` (before `_total`).
    public let unit: String?
    /// The series, sorted by label set.
    public let series: [Series]

    /// Builds and validates a family.
    /// - Throws: `MetricDefinitionError` naming the family and the rule broken.
    public init(name: String, type: MetricType, help: String, unit: String? = nil, series: [Series]) throws(MetricDefinitionError) {
        func fail(_ problem: String) -> MetricDefinitionError {
            MetricDefinitionError(family: name, problem: problem)
        }
        guard MetricNaming.isValidMetricName(name) else {
            throw fail("name is not [a-zA-Z_][a-zA-Z0-9_]*")
        }
        let familyName = Self.openMetricsName(name: name, type: type)
        switch type {
        case .counter:
            guard name.hasSuffix("_total"), name.count > 6 else { throw fail("a counter's name must end in _total") }
        case .info:
            guard name.hasSuffix("_info"), name.count > 5 else { throw fail("an info family's name must end in _info") }
            guard unit == nil else { throw fail("an info family has no unit") }
        case .gauge, .histogram:
            for reserved in ["_total", "_bucket", "_count", "_sum", "_created", "_info"] where name.hasSuffix(reserved) {
                throw fail("only counters, histograms and info families may end in \(reserved)")
            }
        }
        if let unit {
            guard MetricNaming.isValidUnit(unit) else { throw fail("unit \"\(unit)\" is not [a-z0-9_]+") }
            guard familyName.hasSuffix("_" + unit) else { throw fail("the name must end in _\(unit) to carry unit \(unit)") }
        }
        for entry in series {
            let pairs = entry.labels.pairs
            for (index, label) in pairs.enumerated() {
                guard MetricNaming.isValidLabelName(label.name) else {
                    throw fail("label name \"\(label.name)\" is not [a-zA-Z_][a-zA-Z0-9_]* or starts with __")
                }
                // Pairs are sorted by name, so a repeated name sits next to itself.
                if index > 0 && pairs[index - 1].name == label.name { throw fail("label \(label.name) appears twice in one series") }
                if type == .histogram && label.name == "le" { throw fail("label le is reserved for histogram buckets") }
            }
            switch (type, entry.value) {
            case (.histogram, .histogram(let histogram)):
                if let problem = histogram.problem { throw fail(problem) }
            case (.histogram, .number):
                throw fail("a histogram series needs a histogram value")
            case (.info, .number(let value)):
                guard value == 1 else { throw fail("an info series has value 1") }
            case (_, .histogram):
                throw fail("only histogram families carry histogram values")
            case (.counter, .number), (.gauge, .number):
                break
            }
        }
        let sorted = series.sorted { $0.labels.precedes($1.labels) }
        for index in sorted.indices.dropFirst() where sorted[index].labels == sorted[index - 1].labels {
            throw fail("two series share the label set \(Self.describe(sorted[index].labels))")
        }
        self.name = name
        self.type = type
        self.help = help
        self.unit = unit
        self.series = sorted
    }

    /// The family name as OpenMetrics writes it on metadata lines: without `_total` for
    /// counters and without `_info` for info families.
    public var openMetricsName: String { Self.openMetricsName(name: name, type: type) }

    private static func openMetricsName(name: String, type: MetricType) -> String {
        switch type {
        case .counter where name.hasSuffix("_total"): String(name.dropLast(6))
        case .info where name.hasSuffix("_info"): String(name.dropLast(5))
        default: name
        }
    }

    private static func describe(_ labels: Labels) -> String {
        "{" + labels.pairs.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }
}
