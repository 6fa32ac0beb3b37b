import RemoteWrite

/// One value at the time it is for: a settled bucket's or a realtime minute's.
public struct TimestampedSample: Sendable, Equatable {
    public var family: TimestampedFamily
    public var domain: String
    /// Nil for the realtime families, which have no area.
    public var area: Area?
    /// Seconds since the epoch: the start of the bucket or minute.
    public var timestamp: Int64
    public var value: Double

    public init(family: TimestampedFamily, domain: String, area: Area?, timestamp: Int64, value: Double) {
        self.family = family
        self.domain = domain
        self.area = area
        self.timestamp = timestamp
        self.value = value
    }

    /// The samples as remote-write series: one per family, domain and area, in that order, each
    /// in time order (the protocol wants a series' samples oldest first).
    public static func series(_ samples: [TimestampedSample]) -> [RemoteWriteSeries] {
        struct Key: Hashable, Comparable {
            var family: String, domain: String, area: String
            static func < (lhs: Key, rhs: Key) -> Bool { (lhs.family, lhs.domain, lhs.area) < (rhs.family, rhs.domain, rhs.area) }
        }
        var grouped: [Key: [RemoteWriteSeries.Sample]] = [:]
        for sample in samples {
            let key = Key(family: sample.family.rawValue, domain: sample.domain, area: sample.area?.rawValue ?? "")
            grouped[key, default: []].append(.init(value: sample.value, timestampMilliseconds: sample.timestamp * 1000))
        }
        return grouped.keys.sorted().map { key in
            var labels = ["__name__": key.family, "domain": key.domain]
            if !key.area.isEmpty { labels["area"] = key.area }
            return RemoteWriteSeries(labels: labels, samples: grouped[key]!.sorted { $0.timestampMilliseconds < $1.timestampMilliseconds })
        }
    }
}
