import Exposition

/// The series the benchmarks serve and render: the agent's shape (counters and gauges by domain
/// and area), `count` series in all.
enum SyntheticFamilies {
    /// The families built from prepared series (what the benchmark times).
    static func make(series count: Int) throws -> [MetricFamily] {
        try build(rawSeries(count))
    }

    /// The series of both families, before any validation.
    static func rawSeries(_ count: Int) -> (counters: [Series], gauges: [Series]) {
        let domains = max(1, count / 4)
        func series(_ scale: Double) -> [Series] {
            (0..<domains).flatMap { index in
                ["domestic", "overseas"].map { area in
                    Series(["domain": "d\(index).example.com", "area": area], (Double(index) * scale).rounded() + (area == "domestic" ? 0.5 : 0))
                }
            }
        }
        return (series(123_456_789), series(1_234.5))
    }

    static func build(_ raw: (counters: [Series], gauges: [Series])) throws -> [MetricFamily] {
        [
            try MetricFamily(name: "aliyun_vod_traffic_bytes_total", type: .counter, help: "Bytes served.", unit: "bytes", series: raw.counters),
            try MetricFamily(name: "aliyun_vod_bandwidth_bytes_per_second", type: .gauge, help: "Peak bandwidth.", unit: "bytes_per_second", series: raw.gauges),
        ]
    }
}
