import Exposition
import Testing

@Suite struct MetricFamilyTests {
    @Test(arguments: [
        ("vod_traffic_bytes_total", true), ("_x", true), ("Abc9", true), ("9abc", false), ("a-b", false),
        ("a:b", false), ("", false), ("a b", false), ("é", false),
    ])
    func metricNames(name: String, isValid: Bool) {
        #expect(MetricNaming.isValidMetricName(name) == isValid)
    }

    @Test(arguments: [("domain", true), ("_x", true), ("__name__", false), ("__x", false), ("1a", false), ("a.b", false)])
    func labelNames(name: String, isValid: Bool) {
        #expect(MetricNaming.isValidLabelName(name) == isValid)
    }

    @Test func seriesAreSortedByLabelSet() throws {
        let family = try MetricFamily(name: "x", type: .gauge, help: "h", series: [
            Series(["b": "1"], 1), Series(["a": "2"], 2), Series(["a": "1", "c": "1"], 3), Series(["a": "1"], 4), Series(.none, 5),
        ])
        #expect(family.series.map(\.value) == [5, 4, 3, 2, 1].map { .number($0) })
    }

    @Test func duplicateLabelSetIsRefusedAtBuildTime() {
        #expect(throws: MetricDefinitionError(family: "x", problem: "two series share the label set {a=\"1\",b=\"2\"}")) {
            try MetricFamily(name: "x", type: .gauge, help: "h", series: [Series(["a": "1", "b": "2"], 1), Series(["b": "2", "a": "1"], 2)])
        }
    }

    @Test(arguments: [
        ("bad-name", MetricType.gauge, nil as String?, "name is not"),
        ("x", .counter, nil, "must end in _total"),
        ("x_total", .gauge, nil, "only counters"),
        ("x_count", .gauge, nil, "only counters"),
        ("x_bytes", .gauge, "seconds", "must end in _seconds"),
        ("x_Bytes", .gauge, "Bytes", "unit \"Bytes\""),
        ("x", .info, nil, "must end in _info"),
        ("x_info", .info, "info", "no unit"),
    ])
    func invalidDefinitions(name: String, type: MetricType, unit: String?, problem: String) {
        do {
            _ = try MetricFamily(name: name, type: type, help: "h", unit: unit, series: [])
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.problem.contains(problem), "\(error)")
        }
    }

    @Test func invalidSeriesAreRefused() {
        let histogram = HistogramValue(buckets: [.init(upperBound: 1, cumulativeCount: 5), .init(upperBound: 2, cumulativeCount: 3)], count: 6, sum: 1)
        let cases: [(MetricType, String, Series, String)] = [
            (.gauge, "g", Series(["__name__": "x"], 1), "starts with __"),
            (.gauge, "g", Series(Labels([Label("a", "1"), Label("a", "2")]), 1), "appears twice"),
            (.histogram, "h", Series(["le": "1"], histogram: HistogramValue(buckets: [], count: 0, sum: 0)), "le is reserved"),
            (.histogram, "h", Series(.none, 1), "needs a histogram value"),
            (.gauge, "g", Series(.none, histogram: HistogramValue(buckets: [], count: 0, sum: 0)), "only histogram families"),
            (.histogram, "h", Series(.none, histogram: histogram), "not cumulative"),
            (.histogram, "h", Series(.none, histogram: HistogramValue(buckets: [.init(upperBound: 2, cumulativeCount: 1), .init(upperBound: 1, cumulativeCount: 1)], count: 1, sum: 0)), "strictly increasing"),
            (.histogram, "h", Series(.none, histogram: HistogramValue(buckets: [.init(upperBound: 1, cumulativeCount: 9)], count: 2, sum: 0)), "exceeds the total"),
            (.histogram, "h", Series(.none, histogram: HistogramValue(buckets: [.init(upperBound: .infinity, cumulativeCount: 1)], count: 1, sum: 0)), "not finite"),
            (.info, "i_info", Series(.none, 2), "value 1"),
        ]
        for (type, name, series, problem) in cases {
            do {
                _ = try MetricFamily(name: name, type: type, help: "h", series: [series])
                Issue.record("accepted: \(problem)")
            } catch {
                #expect(error.problem.contains(problem), "\(error)")
            }
        }
    }

    @Test func openMetricsFamilyNames() throws {
        #expect(try MetricFamily(name: "a_bytes_total", type: .counter, help: "", unit: "bytes", series: []).openMetricsName == "a_bytes")
        #expect(try MetricFamily(name: "a_info", type: .info, help: "", series: []).openMetricsName == "a")
        #expect(try MetricFamily(name: "a_seconds", type: .histogram, help: "", unit: "seconds", series: []).openMetricsName == "a_seconds")
    }

    @Test func snapshotRefusesFamiliesThatClash() throws {
        let counter = try MetricFamily(name: "x_total", type: .counter, help: "", series: [])
        let gauge = try MetricFamily(name: "x", type: .gauge, help: "", series: [])
        #expect(throws: MetricDefinitionError.self) { try ExpositionSnapshot(families: [counter, gauge]) }
        #expect(throws: MetricDefinitionError.self) { try ExpositionSnapshot(families: [gauge, gauge]) }
    }
}
