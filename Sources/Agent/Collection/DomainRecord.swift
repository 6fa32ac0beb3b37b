import VODAPI

/// Everything the agent knows of one domain's data: counter ledgers and newest settled gauge
/// values, by kind and area, plus the latest realtime minute. Saved in the state file.
///
/// A domain has a handful of ledgers and gauges, and the agent keeps one record per domain (tens
/// of thousands), so they sit in two small arrays in a fixed order (kind, then area) rather than
/// in dictionaries of dictionaries: one allocation each instead of three per kind.
public struct DomainRecord: Sendable, Equatable {
    /// The ledger of one counter kind in one area.
    public struct CounterEntry: Sendable, Equatable {
        public let kind: CounterKind
        public let area: Area
        public fileprivate(set) var ledger: BucketLedger
    }

    /// The newest settled value of one gauge kind in one area.
    public struct GaugeEntry: Sendable, Equatable {
        public let kind: GaugeKind
        public let area: Area
        public let reading: GaugeReading
    }

    /// Every counter ledger, ordered by kind, then area (the declaration orders).
    public private(set) var counterEntries: [CounterEntry] = []
    /// Every gauge reading, ordered by kind, then area.
    public private(set) var gaugeEntries: [GaugeEntry] = []
    /// The newest 1-minute realtime record (not saved: it is only fresh for minutes).
    public var realtime: RealtimeReading?
    /// With remote write: the newest bucket or minute queued per family. The settled families'
    /// are saved with the ledgers, so a restart neither skips nor repeats a bucket; the
    /// realtime ones are not (see ``NewSamples/realtime(_:domain:notBefore:cursors:)``).
    public var sentCursors: [TimestampedFamily: Int64] = [:]
    /// With the usage collector: the newest settled bucket per family recorded in the usage
    /// ledger (saved with it, so a restart neither skips nor repeats a bucket).
    public var usageCursors: [TimestampedFamily: Int64] = [:]
    /// When the domain left the selection (discovery lost it, the domains file dropped it); nil
    /// while selected. A departed record is kept for `--data.max-backfill`, so a domain that
    /// returns continues its counters instead of counting its lookback again.
    public var departedAt: Int64?

    public init() {}

    /// The oldest cursor of the counters of `kinds`: where a backfill must start so that no
    /// ledger misses a bucket. Nil when one of them has no cursor yet.
    public func cursor(of kinds: [CounterKind]) -> Int64? {
        let ledgers = counterEntries.filter { kinds.contains($0.kind) }.map(\.ledger)
        guard !ledgers.isEmpty, ledgers.allSatisfy({ $0.cursor != nil }) else { return nil }
        return ledgers.compactMap(\.cursor).min()
    }

    /// The newest bucket the counters of `kind` describe.
    public func newestBucket(of kind: CounterKind) -> Int64? {
        counterEntries.lazy.filter { $0.kind == kind }.compactMap { $0.ledger.newest?.start }.max()
    }

    /// The newest bucket the gauges of `kind` describe.
    public func newestBucket(of kind: GaugeKind) -> Int64? {
        gaugeEntries.lazy.filter { $0.kind == kind }.map(\.reading.bucketStart).max()
    }

    /// Applies a series to the counters of `kind`, one ledger per area the values name. A value
    /// outside ``DataBounds`` is counted as invalid and treated as absent.
    public mutating func ingest(_ slots: [(timestamp: Int64, values: [Area: Double])], into kind: CounterKind, window: Range<Int64>,
                                interval: Int64, now: Int64, rules: SettlementRules) -> IngestOutcome {
        var outcome = IngestOutcome()
        let limit = DataBounds.limit(of: kind, interval: interval)
        var valuesByArea: [Area: [Int64: Double]] = [:]
        for slot in slots {
            for (area, value) in slot.values {
                guard DataBounds.isPlausible(value, limit: limit) else {
                    outcome.invalidValues += 1
                    if valuesByArea[area] == nil { valuesByArea[area] = [:] }  // the area answered; its bucket is absent
                    continue
                }
                valuesByArea[area, default: [:]][slot.timestamp] = value
            }
        }
        // Areas seen before keep being fed (with zeros) so their buckets settle in step. An area
        // never reported gets no ledger: a domain without HTTPS has no HTTPS series.
        for entry in counterEntries where entry.kind == kind && valuesByArea[entry.area] == nil { valuesByArea[entry.area] = [:] }
        for area in Area.allCases {
            guard let values = valuesByArea[area] else { continue }
            let observation = BucketObservation(window: window, interval: interval, values: values, now: now)
            let index = counterEntries.firstIndex { $0.kind == kind && $0.area == area } ?? insertCounter(kind, area)
            // Changed in place: the array is uniquely held, so no ledger is copied.
            outcome.add(counterEntries[index].ledger.ingest(observation, settleDelay: rules.settleDelay, horizon: rules.horizon))
        }
        return outcome
    }

    /// Sets the gauges of `kind` from the newest settled slot of a series (older answers never
    /// replace newer ones). Values outside ``DataBounds`` are treated as absent.
    /// - Returns: how many values were invalid.
    @discardableResult
    public mutating func update(_ kind: GaugeKind, slots: [(timestamp: Int64, values: [Area: Double])], interval: Int64, now: Int64,
                                rules: SettlementRules) -> Int {
        let limit = DataBounds.limit(of: kind)
        var invalid = 0
        let valid = slots.map { slot in
            (timestamp: slot.timestamp, values: slot.values.filter { _, value in
                if DataBounds.isPlausible(value, limit: limit) { return true }
                invalid += 1
                return false
            })
        }
        let settled = valid.filter {
            SettlementRules.isSettled(bucketStart: $0.timestamp, interval: interval, settleDelay: rules.settleDelay, at: now) && !$0.values.isEmpty
        }
        guard let newest = settled.max(by: { $0.timestamp < $1.timestamp }) else { return invalid }
        if let current = newestBucket(of: kind), current > newest.timestamp { return invalid }
        let readings = Area.allCases.compactMap { area in
            newest.values[area].map { GaugeEntry(kind: kind, area: area, reading: GaugeReading(bucketStart: newest.timestamp, value: $0)) }
        }
        gaugeEntries.removeAll { $0.kind == kind }
        gaugeEntries.insert(contentsOf: readings, at: gaugeEntries.firstIndex { Self.order(of: $0.kind) > Self.order(of: kind) } ?? gaugeEntries.endIndex)
        return invalid
    }

    /// Adds an empty ledger in its place in the order; returns its index.
    private mutating func insertCounter(_ kind: CounterKind, _ area: Area) -> Int {
        let key = (Self.order(of: kind), Self.order(of: area))
        let index = counterEntries.firstIndex { (Self.order(of: $0.kind), Self.order(of: $0.area)) > key } ?? counterEntries.endIndex
        counterEntries.insert(CounterEntry(kind: kind, area: area, ledger: BucketLedger()), at: index)
        return index
    }

    private static func order<Kind: CaseIterable & Equatable>(of value: Kind) -> Int {
        Kind.allCases.firstIndex(of: value).map { Kind.allCases.distance(from: Kind.allCases.startIndex, to: $0) } ?? 0
    }
}

extension DomainRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case counters, gauges, sent, usage, departed
    }

    // The state file keeps the nested shape of version 1: {"counters": {kind: {area: ledger}},
    // "gauges": {kind: {area: reading}}}.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let counters = try container.decode([CounterKind: [Area: BucketLedger]].self, forKey: .counters)
        let gauges = try container.decode([GaugeKind: [Area: GaugeReading]].self, forKey: .gauges)
        for kind in CounterKind.allCases {
            for area in Area.allCases {
                if let ledger = counters[kind]?[area] { counterEntries.append(CounterEntry(kind: kind, area: area, ledger: ledger)) }
            }
        }
        for kind in GaugeKind.allCases {
            for area in Area.allCases {
                if let reading = gauges[kind]?[area] { gaugeEntries.append(GaugeEntry(kind: kind, area: area, reading: reading)) }
            }
        }
        sentCursors = try container.decodeIfPresent([TimestampedFamily: Int64].self, forKey: .sent) ?? [:]
        usageCursors = try container.decodeIfPresent([TimestampedFamily: Int64].self, forKey: .usage) ?? [:]
        departedAt = try container.decodeIfPresent(Int64.self, forKey: .departed)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var counters: [CounterKind: [Area: BucketLedger]] = [:]
        for entry in counterEntries { counters[entry.kind, default: [:]][entry.area] = entry.ledger }
        var gauges: [GaugeKind: [Area: GaugeReading]] = [:]
        for entry in gaugeEntries { gauges[entry.kind, default: [:]][entry.area] = entry.reading }
        try container.encode(counters, forKey: .counters)
        try container.encode(gauges, forKey: .gauges)
        let settledCursors = sentCursors.filter { TimestampedFamily.settled.contains($0.key) }
        if !settledCursors.isEmpty { try container.encode(settledCursors, forKey: .sent) }
        if !usageCursors.isEmpty { try container.encode(usageCursors, forKey: .usage) }
        try container.encodeIfPresent(departedAt, forKey: .departed)
    }
}

extension IngestOutcome {
    mutating func add(_ other: IngestOutcome) {
        newBuckets += other.newBuckets
        upwardRevisions += other.upwardRevisions
        downwardRevisions += other.downwardRevisions
        invalidValues += other.invalidValues
        refusedObservations += other.refusedObservations
        missedBuckets = max(missedBuckets, other.missedBuckets)
    }
}

/// The newest realtime minute of a domain (DescribeVodDomainRealTimeDetailData).
public struct RealtimeReading: Sendable, Equatable {
    public var minute: Int64
    public var bytesPerSecond: Double?
    public var requestsPerSecond: Double?
    /// Responses per status code in that minute.
    public var responsesByCode: [String: Double]
}

/// When buckets count and how long they are remembered.
public struct SettlementRules: Sendable, Equatable {
    /// `--data.settle-delay`: seconds after a bucket's end before it counts.
    public var settleDelay: Int64
    /// Seconds a counted bucket stays re-queried for revisions (the lookback plus a bucket).
    public var horizon: Int64

    public init(settleDelay: Int64, horizon: Int64) {
        self.settleDelay = settleDelay
        self.horizon = horizon
    }

    /// The one rule of when a bucket counts: `settleDelay` seconds after its end. The ledgers,
    /// the gauges and the remote-write samples all ask here.
    public static func isSettled(bucketStart: Int64, interval: Int64, settleDelay: Int64, at now: Int64) -> Bool {
        now >= bucketStart + interval + settleDelay
    }
}
