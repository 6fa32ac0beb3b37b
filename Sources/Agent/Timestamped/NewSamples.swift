/// Which values of a poll are new to the remote-write receiver: settled buckets after the
/// domain's send cursors, realtime minutes after their cursor. Each bucket and minute is
/// sent once, with the value it had when it settled; later revisions are not sent again (a
/// receiver refuses a second value for the same time). Pure.
enum NewSamples {
    /// The settled 5-minute buckets of traffic and peak bandwidth in `observation` newer than
    /// `cursors`, whose entries move to the newest settled bucket seen.
    static func settled(_ observation: DomainObservation, domain: String, settleDelay: Int64,
                        cursors: inout [TimestampedFamily: Int64]) -> [TimestampedSample] {
        var samples: [TimestampedSample] = []
        for counters in observation.counters where counters.kind == .traffic {
            let limit = DataBounds.limit(of: counters.kind, interval: counters.interval)
            let slots = counters.slots.filter { counters.window.contains($0.timestamp) }
            samples += take(slots, family: .traffic, domain: domain, interval: counters.interval, receivedAt: counters.receivedAt,
                            settleDelay: settleDelay, limit: limit, cursors: &cursors)
        }
        for gauges in observation.gauges where gauges.kind == .bandwidth {
            samples += take(gauges.slots, family: .peakBandwidth, domain: domain, interval: gauges.interval, receivedAt: gauges.receivedAt,
                            settleDelay: settleDelay, limit: DataBounds.limit(of: gauges.kind), cursors: &cursors)
        }
        return samples
    }

    /// The realtime minute of `reading` when it is newer than the cursor and not before
    /// `notBefore` (the minute the process started in: minutes before it may have been sent
    /// by the previous process, perhaps with another value).
    static func realtime(_ reading: RealtimeReading, domain: String, notBefore: Int64, cursors: inout [TimestampedFamily: Int64]) -> [TimestampedSample] {
        var samples: [TimestampedSample] = []
        for (family, value) in [(TimestampedFamily.minuteBandwidth, reading.bytesPerSecond), (.minuteRequests, reading.requestsPerSecond)] {
            guard reading.minute >= notBefore, reading.minute > cursors[family] ?? .min, let value else { continue }
            samples.append(TimestampedSample(family: family, domain: domain, area: nil, timestamp: reading.minute, value: value))
            cursors[family] = reading.minute
        }
        return samples
    }

    private static func take(_ slots: AreaSlots, family: TimestampedFamily, domain: String, interval: Int64, receivedAt: Int64,
                             settleDelay: Int64, limit: Double, cursors: inout [TimestampedFamily: Int64]) -> [TimestampedSample] {
        // Only 5-minute data: the series are per 5-minute bucket.
        guard interval == BucketLedger.bucketSeconds else { return [] }
        let cursor = cursors[family] ?? .min
        var samples: [TimestampedSample] = []
        var newest = cursor
        for slot in slots.sorted(by: { $0.timestamp < $1.timestamp })
        where slot.timestamp > cursor && SettlementRules.isSettled(bucketStart: slot.timestamp, interval: interval, settleDelay: settleDelay, at: receivedAt) {
            for area in Area.allCases {
                guard let value = slot.values[area], DataBounds.isPlausible(value, limit: limit) else { continue }
                samples.append(TimestampedSample(family: family, domain: domain, area: area, timestamp: slot.timestamp, value: value))
            }
            newest = slot.timestamp
        }
        if newest > cursor { cursors[family] = newest }
        return samples
    }
}
