import Exposition
import Testing
import TestSupport

@Suite struct RenderingTests {
    private func text(_ family: MetricFamily, _ format: ExpositionFormat = .text) -> String {
        String(decoding: ExpositionRenderer.render([family], format: format), as: UTF8.self)
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (42, "42"), (-1, "-1"), (1_000_000, "1000000"), (0.25, "0.25"), (-1.5e-7, "-1.5e-07"),
        (1.5e16, "1.5e+16"), (1e300, "1e+300"), (9_007_199_254_740_992, "9007199254740992.0"), (123.456, "123.456"),
        (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"),
    ])
    func sampleValues(value: Double, expected: String) throws {
        let rendered = text(try MetricFamily(name: "v", type: .gauge, help: "", series: [Series(.none, value)]))
        #expect(rendered.hasSuffix("\nv \(expected)\n"))
    }

    @Test func everyRenderedValueParsesBackExactly() throws {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            let rendered = text(try MetricFamily(name: "v", type: .gauge, help: "", series: [Series(.none, value)]))
            let token = rendered.split(separator: "\n").last!.split(separator: " ").last!
            #expect(Double(String(token)) == value, "\(value) rendered as \(token)")
        }
    }

    @Test func helpEscapingDiffersBetweenFormats() throws {
        let family = try MetricFamily(name: "h", type: .gauge, help: "a \"q\" \\ b\nc", series: [])
        #expect(text(family).hasPrefix("# HELP h a \"q\" \\\\ b\\nc\n# TYPE h gauge\n"))
        #expect(text(family, .openMetrics) == "# TYPE h gauge\n# HELP h a \\\"q\\\" \\\\ b\\nc\n# EOF\n")
    }

    @Test func labelValuesAreEscapedAndLeComesLast() throws {
        let family = try MetricFamily(name: "h_seconds", type: .histogram, help: "", series: [
            Series(["z": "\\\"\n"], histogram: HistogramValue(buckets: [.init(upperBound: 0.5, cumulativeCount: 1)], count: 1, sum: 0.5)),
        ])
        #expect(text(family).contains("h_seconds_bucket{z=\"\\\\\\\"\\n\",le=\"0.5\"} 1\nh_seconds_bucket{z=\"\\\\\\\"\\n\",le=\"+Inf\"} 1\n"))
    }

    @Test func familiesAreSortedAndContiguous() throws {
        let families = try SampleFamilies.all()
        let rendered = String(decoding: ExpositionRenderer.render(families.reversed(), format: .text), as: UTF8.self)
        let typeLines = rendered.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(typeLines == typeLines.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        // Contiguous: once a family's block ends, none of its samples appear again.
        var finished = Set<Substring>(), current: Substring = ""
        for line in rendered.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            #expect(!finished.contains(line))
            finished.insert(current)
            current = line
        }
        #expect(rendered == String(decoding: ExpositionRenderer.render(families, format: .text), as: UTF8.self))
    }

    @Test func textGolden() throws {
        try Golden.check(ExpositionRenderer.render(try SampleFamilies.all(), format: .text), file: "sample.prom")
    }

    @Test func openMetricsGolden() throws {
        try Golden.check(ExpositionRenderer.render(try SampleFamilies.all(), format: .openMetrics), file: "sample.om.txt")
    }
}
