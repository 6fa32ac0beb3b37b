import Exposition
import Synchronization
import VODAPI

/// Counts every API attempt by action and result, and their durations: fed by the client's
/// `observe` hook, read when a snapshot is built.
public final class APIStatistics: Sendable {
    /// Request-duration buckets in seconds: the API usually answers in 50–500 ms; throttling
    /// and timeouts sit at the top.
    public static let durationBounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    private struct Histogram {
        var buckets = [UInt64](repeating: 0, count: APIStatistics.durationBounds.count)
        var count: UInt64 = 0
        var sum = 0.0
    }

    private struct Counts {
        var requests: [String: [String: UInt64]] = [:]  // action → result → count
        var durations: [String: Histogram] = [:]
    }

    private let counts = Mutex(Counts())

    public init() {}

    /// Records one attempt (the `VODClient` observe hook).
    public func record(_ record: RequestRecord) {
        counts.withLock { counts in
            counts.requests[record.action, default: [:]][record.result, default: 0] += 1
            var histogram = counts.durations[record.action, default: Histogram()]
            for (index, bound) in Self.durationBounds.enumerated() where record.duration <= bound {
                histogram.buckets[index] += 1
            }
            histogram.count += 1
            histogram.sum += record.duration.isFinite ? max(0, record.duration) : 0
            counts.durations[record.action] = histogram
        }
    }

    /// `aliyun_vod_exporter_api_requests_total` and `…_api_request_duration_seconds`.
    public func families() throws(MetricDefinitionError) -> [MetricFamily] {
        let counts = counts.withLock { $0 }
        let requestSeries = counts.requests.flatMap { action, results in
            results.map { result, count in Series(["action": action, "result": result], Double(count)) }
        }
        let durationSeries = counts.durations.map { action, histogram in
            Series(["action": action], histogram: HistogramValue(
                buckets: zip(Self.durationBounds, histogram.buckets).map { .init(upperBound: $0, cumulativeCount: $1) },
                count: histogram.count, sum: histogram.sum))
        }
        return [
            try MetricFamily(
                name: "aliyun_vod_exporter_api_requests_total", type: .counter,
                help: "VOD API request attempts by action and result (ok, throttled, server_error, auth_error, request_error, transport_error, decode_error, credentials_error, invalid_request).",
                series: requestSeries),
            try MetricFamily(
                name: "aliyun_vod_exporter_api_request_duration_seconds", type: .histogram, help: "Duration of VOD API request attempts by action.",
                unit: "seconds", series: durationSeries),
        ]
    }
}
