import Exposition

/// A sample of every shape the renderer supports: each type, units, escaping, special values,
/// unsorted input. The golden files are this sample rendered.
enum SampleFamilies {
    static func all() throws -> [MetricFamily] {
        [
            try MetricFamily(
                name: "sample_requests_total", type: .counter,
                help: "Requests by \"result\", with a backslash \\ and a\nnewline.",
                series: [
                    Series(["result": "success", "operation": "DescribeVodDomainTrafficData"], 1027),
                    Series(["result": "throttled", "operation": "DescribeVodDomainTrafficData"], 3),
                    Series(["result": "success", "operation": "DescribeVodDomainBpsData"], 1_000_000),
                ]),
            try MetricFamily(
                name: "sample_traffic_bytes_total", type: .counter, help: "Bytes served, from the API's DataModule.",
                unit: "bytes",
                series: [Series(["domain": "b.example.com"], 1.5e16), Series(["domain": "a.example.com"], 123_456_789_012)]),
            try MetricFamily(
                name: "sample_bandwidth_bytes_per_second", type: .gauge, help: "Peak bandwidth.",
                series: [
                    Series(["domain": "quote\"back\\slash\nnewline"], 0.25),
                    Series(["domain": "unicode-视频.example"], -1.5e-7),
                    Series(["domain": "nan"], .nan),
                    Series(["domain": "plus"], .infinity),
                    Series(["domain": "minus"], -.infinity),
                    Series(["domain": "zero"], 0),
                ]),
            try MetricFamily(
                name: "sample_up", type: .gauge, help: "Whether the last poll succeeded.", series: [Series(.none, 1)]),
            try MetricFamily(
                name: "sample_poll_duration_seconds", type: .histogram, help: "Duration of polls.", unit: "seconds",
                series: [
                    Series(["kind": "full"], histogram: HistogramValue(
                        buckets: [.init(upperBound: 0.1, cumulativeCount: 2), .init(upperBound: 1, cumulativeCount: 5),
                                  .init(upperBound: 10, cumulativeCount: 9)],
                        count: 10, sum: 31.25)),
                    Series(["kind": "delta"], histogram: HistogramValue(buckets: [.init(upperBound: 0.1, cumulativeCount: 0)], count: 0, sum: 0)),
                ]),
            try MetricFamily(
                name: "sample_build_info", type: .info, help: "Version of the build.",
                series: [Series(["version": "0.1.0", "revision": "abc123"], 1)]),
        ]
    }
}
