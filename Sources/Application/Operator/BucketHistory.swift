import Agent
import Exposition
import RemoteWrite
import VODAPI

/// A domain's settled 5-minute buckets as samples at their true time (the bucket's start), in
/// the OpenMetrics text `promtool tsdb create-blocks-from openmetrics` reads. Pure.
enum BucketHistory {
    /// The families, in the order they are written (each once, its series together).
    enum Family: String, CaseIterable {
        case traffic = "aliyun_vod_bucket_traffic_bytes"
        case peakBandwidth = "aliyun_vod_bucket_peak_bandwidth_bytes_per_second"

        var help: String {
            switch self {
            case .traffic: "Bytes served in the 5-minute bucket that starts at the sample's time (settled data)."
            case .peakBandwidth: "Peak bandwidth within the 5-minute bucket that starts at the sample's time, in bytes per second (settled data)."
            }
        }

        /// The OpenMetrics unit, the end of the name.
        var unit: String {
            switch self {
            case .traffic: "bytes"
            case .peakBandwidth: "bytes_per_second"
            }
        }

        /// Header lines of the family.
        var header: String {
            "# HELP \(rawValue) \(help)\n# TYPE \(rawValue) gauge\n# UNIT \(rawValue) \(unit)\n"
        }
    }

    /// One domain's samples for `family` per area, each in time order (seconds); slots without a
    /// value are left out (never taken as zero).
    static func samples(family: Family, slots: [DataSlot]) -> [(area: Area, samples: [(timestamp: Int64, value: Double)])] {
        var byArea: [Area: [(Int64, Double)]] = [:]
        for slot in slots.sorted(by: { $0.timestamp < $1.timestamp }) {
            for (area, value) in Area.split(total: slot.value, domestic: slot.domesticValue, overseas: slot.overseasValue) {
                // The API reports bandwidth in bits per second; the series are in bytes.
                byArea[area, default: []].append((slot.timestamp, family == .traffic ? value : value / 8))
            }
        }
        return byArea.keys.sorted { $0.rawValue < $1.rawValue }.map { ($0, byArea[$0]!) }
    }

    /// The sample lines of one domain for `family`: one series per area.
    static func lines(domain: String, family: Family, slots: [DataSlot]) -> String {
        var text = ""
        for (area, samples) in samples(family: family, slots: slots) {
            let labels = "{area=\"\(area.rawValue)\",domain=\"\(ExpositionText.labelValue(domain))\"}"
            for (timestamp, value) in samples {
                text += "\(family.rawValue)\(labels) \(ExpositionText.sampleValue(value)) \(timestamp)\n"
            }
        }
        return text
    }

    /// The same samples as remote-write series (timestamps in milliseconds).
    static func series(domain: String, family: Family, slots: [DataSlot]) -> [RemoteWriteSeries] {
        samples(family: family, slots: slots).map { area, samples in
            RemoteWriteSeries(labels: ["__name__": family.rawValue, "domain": domain, "area": area.rawValue],
                              samples: samples.map { .init(value: $0.value, timestampMilliseconds: $0.timestamp * 1000) })
        }
    }
}
