/// Renders metric families as text 0.0.4 or OpenMetrics 1.0.0 bytes.
///
/// Families are written in the order given (callers sort them; `ExpositionSnapshot` does), each
/// as one contiguous block: metadata lines, then its series in label-set order. No timestamps;
/// `\n` line endings only.
public enum ExpositionRenderer {
    /// Renders `families` in `format`, followed by the format's trailer (`# EOF` for OpenMetrics).
    /// Families are sorted by name first.
    public static func render(_ families: [MetricFamily], format: ExpositionFormat) -> [UInt8] {
        var bytes: [UInt8] = []
        for family in families.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            render(family, format: format, into: &bytes)
        }
        bytes.append(contentsOf: format.trailer)
        return bytes
    }

    /// Appends one family's block to `bytes`: its metadata lines, then its samples.
    public static func render(_ family: MetricFamily, format: ExpositionFormat, into bytes: inout [UInt8]) {
        renderMetadata(family, format: format, into: &bytes)
        renderSamples(family, into: &bytes)
    }

    /// Appends a family's metadata lines (`# HELP`, `# TYPE`, `# UNIT`): the only part of a
    /// family's block that differs between the formats.
    static func renderMetadata(_ family: MetricFamily, format: ExpositionFormat, into bytes: inout [UInt8]) {
        switch format {
        case .text: renderTextMetadata(family, into: &bytes)
        case .openMetrics: renderOpenMetricsMetadata(family, into: &bytes)
        }
    }

    /// Appends a family's sample lines, the same bytes in both formats. Counter and info samples
    /// keep their suffix (`_total`, `_info`) in OpenMetrics too: the family name is what
    /// OpenMetrics strips, and `family.name` still carries it.
    static func renderSamples(_ family: MetricFamily, into bytes: inout [UInt8]) {
        renderSamples(family, sampleName: Array(family.name.utf8), into: &bytes)
    }

    private static func renderTextMetadata(_ family: MetricFamily, into bytes: inout [UInt8]) {
        bytes.appendUTF8("# HELP ")
        bytes.appendUTF8(family.name)
        bytes.append(UInt8(ascii: " "))
        bytes.appendEscaped(family.help, escapingQuotes: false)
        bytes.appendUTF8("\n# TYPE ")
        bytes.appendUTF8(family.name)
        bytes.appendUTF8(family.type == .info ? " gauge\n" : " \(family.type.rawValue)\n")
    }

    private static func renderOpenMetricsMetadata(_ family: MetricFamily, into bytes: inout [UInt8]) {
        let familyName = family.openMetricsName
        bytes.appendUTF8("# TYPE ")
        bytes.appendUTF8(familyName)
        bytes.appendUTF8(" \(family.type.rawValue)\n")
        if let unit = family.unit {
            bytes.appendUTF8("# UNIT \(familyName) \(unit)\n")
        }
        bytes.appendUTF8("# HELP ")
        bytes.appendUTF8(familyName)
        bytes.append(UInt8(ascii: " "))
        bytes.appendEscaped(family.help, escapingQuotes: true)
        bytes.append(UInt8(ascii: "\n"))
    }

    private static func renderSamples(_ family: MetricFamily, sampleName: [UInt8], into bytes: inout [UInt8]) {
        let bucketName = sampleName + Array("_bucket".utf8)
        let sumName = sampleName + Array("_sum".utf8)
        let countName = sampleName + Array("_count".utf8)
        for series in family.series {
            switch series.value {
            case .number(let value):
                appendSample(name: sampleName, labels: series.labels, value: value, into: &bytes)
            case .histogram(let histogram):
                for bucket in histogram.buckets {
                    appendBucket(name: bucketName, labels: series.labels, bound: bucket.upperBound, count: bucket.cumulativeCount, into: &bytes)
                }
                appendBucket(name: bucketName, labels: series.labels, bound: .infinity, count: histogram.count, into: &bytes)
                appendSample(name: sumName, labels: series.labels, value: histogram.sum, into: &bytes)
                appendCount(name: countName, labels: series.labels, count: histogram.count, into: &bytes)
            }
        }
    }

    private static func appendSample(name: [UInt8], labels: Labels, value: Double, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: name)
        appendLabels(labels, into: &bytes, closeWith: nil)
        bytes.append(UInt8(ascii: " "))
        SampleValueFormatting.appendValue(value, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }

    private static func appendCount(name: [UInt8], labels: Labels, count: UInt64, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: name)
        appendLabels(labels, into: &bytes, closeWith: nil)
        bytes.append(UInt8(ascii: " "))
        bytes.appendInteger(Int64(clamping: count))
        bytes.append(UInt8(ascii: "\n"))
    }

    private static func appendBucket(name: [UInt8], labels: Labels, bound: Double, count: UInt64, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: name)
        appendLabels(labels, into: &bytes, closeWith: bound)
        bytes.append(UInt8(ascii: " "))
        bytes.appendInteger(Int64(clamping: count))
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes `{a="1",b="2"}` (nothing for an empty set), with `le="bound"` last when given.
    /// No space after commas: OpenMetrics forbids it.
    private static func appendLabels(_ labels: Labels, into bytes: inout [UInt8], closeWith bound: Double?) {
        if labels.pairs.isEmpty && bound == nil { return }
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for label in labels.pairs {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.appendUTF8(label.name)
            bytes.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            bytes.appendEscaped(label.value, escapingQuotes: true)
            bytes.append(UInt8(ascii: "\""))
        }
        if let bound {
            if !first { bytes.append(UInt8(ascii: ",")) }
            bytes.appendUTF8("le=\"")
            SampleValueFormatting.appendBound(bound, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
