import Agent
import Exposition
import RemoteWrite
import VODAPI

/// A domain's settled 5-minute buckets as samples at their true time (the bucket's start), in
/// the OpenMetrics text `promtool tsdb create-blocks-from openmetrics` reads. Pure.
enum BucketHistory {
    /// One domain's samples for `family` per area, each in time order (seconds); slots without a
    /// value are left out (never taken as zero).
    static func samples(family: TimestampedFamily, slots: [DataSlot]) -> [(area: Area, samples: [(timestamp: Int64, value: Double)])] {
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
    static func lines(domain: String, family: TimestampedFamily, slots: [DataSlot]) -> String {
        var text = ""
        for (area, samples) in samples(family: family, slots: slots) {
            let labels = "{area=\"\(area.rawValue)\",domain=\"\(ExpositionText.labelValue(domain))\"}"
            for (timestamp, value) in samples {
                text += "\(family.rawValue)\(labels) \(ExpositionText.sampleValue(value)) \(timestamp)\n"
            }
        }
        return text
    }

    /// The same samples as remote-write series (timestamps in milliseconds), as the agent sends them.
    static func series(domain: String, family: TimestampedFamily, slots: [DataSlot]) -> [RemoteWriteSeries] {
        TimestampedSample.series(samples(family: family, slots: slots).flatMap { area, samples in
            samples.map { TimestampedSample(family: family, domain: domain, area: area, timestamp: $0.timestamp, value: $0.value) }
        })
    }
}
