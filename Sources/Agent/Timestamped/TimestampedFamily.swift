/// The series written with their own timestamps (remote write and `backfill`) rather than
/// scraped: each sample is stamped with the time its data is for, not when it was read.
public enum TimestampedFamily: String, CaseIterable, Sendable, Codable, CodingKeyRepresentable {
    /// Bytes served in a settled 5-minute bucket, stamped with the bucket's start.
    case traffic = "aliyun_vod_bucket_traffic_bytes"
    /// Peak bandwidth within a settled 5-minute bucket, stamped with the bucket's start.
    case peakBandwidth = "aliyun_vod_bucket_peak_bandwidth_bytes_per_second"
    /// Bandwidth of a realtime minute, stamped with the minute's start.
    case minuteBandwidth = "aliyun_vod_minute_bandwidth_bytes_per_second"
    /// Requests per second of a realtime minute, stamped with the minute's start.
    case minuteRequests = "aliyun_vod_minute_requests_per_second"

    /// The families of settled 5-minute data (what `backfill` writes).
    public static let settled: [TimestampedFamily] = [.traffic, .peakBandwidth]

    public var help: String {
        switch self {
        case .traffic: "Bytes served in the 5-minute bucket that starts at the sample's time (settled data)."
        case .peakBandwidth: "Peak bandwidth within the 5-minute bucket that starts at the sample's time, in bytes per second (settled data)."
        case .minuteBandwidth: "Bandwidth in the realtime minute that starts at the sample's time, in bytes per second (preliminary data)."
        case .minuteRequests: "Requests per second in the realtime minute that starts at the sample's time (preliminary data)."
        }
    }

    /// The OpenMetrics unit, the end of the name.
    public var unit: String {
        switch self {
        case .traffic: "bytes"
        case .peakBandwidth, .minuteBandwidth: "bytes_per_second"
        case .minuteRequests: ""
        }
    }

    /// The OpenMetrics header lines of the family.
    public var header: String {
        "# HELP \(rawValue) \(help)\n# TYPE \(rawValue) gauge\n" + (unit.isEmpty ? "" : "# UNIT \(rawValue) \(unit)\n")
    }
}
