import VODAPI

/// Everything the agent knows of one domain's data: counter ledgers and newest settled gauge
/// values, by kind and area, plus the latest realtime minute. Saved in the state file.
public struct DomainRecord: Codable, Sendable, Equatable {
    public var counters: [CounterKind: [Area: BucketLedger]] = [:]
    public var gauges: [GaugeKind: [Area: GaugeReading]] = [:]
    /// The newest 1-minute realtime record (not saved: it is only fresh for minutes).
    public var realtime: RealtimeReading?

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case counters, gauges
    }

    /// The oldest cursor of the counters of `kinds`: where a backfill must start so that no
    /// ledger misses a bucket. Nil when one of them has no cursor yet.
    public func cursor(of kinds: [CounterKind]) -> Int64? {
        let ledgers = kinds.flatMap { counters[$0].map { Array($0.values) } ?? [] }
        guard !ledgers.isEmpty, ledgers.allSatisfy({ $0.cursor != nil }) else { return nil }
        return ledgers.compactMap(\.cursor).min()
    }

    /// The newest bucket the counters of `kind` describe.
    public func newestBucket(of kind: CounterKind) -> Int64? {
        counters[kind]?.values.compactMap { $0.newest?.start }.max()
    }

    /// The newest bucket the gauges of `kind` describe.
    public func newestBucket(of kind: GaugeKind) -> Int64? {
        gauges[kind]?.values.map(\.bucketStart).max()
    }

    /// Applies a series to the counters of `kind`, one ledger per area the values name.
    public mutating func ingest(_ slots: [(timestamp: Int64, values: [Area: Double])], into kind: CounterKind, window: Range<Int64>,
                                interval: Int64, now: Int64, rules: SettlementRules) -> IngestOutcome {
        var valuesByArea: [Area: [Int64: Double]] = [:]
        for slot in slots {
            for (area, value) in slot.values { valuesByArea[area, default: [:]][slot.timestamp] = value }
        }
        // Areas seen before keep being fed (with zeros) so their buckets settle in step. An area
        // never reported gets no ledger: a domain without HTTPS has no HTTPS series.
        // Taken out while it changes, so the ledgers are mutated in place, not copied.
        var ledgers = counters.removeValue(forKey: kind) ?? [:]
        for area in ledgers.keys where valuesByArea[area] == nil { valuesByArea[area] = [:] }
        var outcome = IngestOutcome()
        for (area, values) in valuesByArea {
            let observation = BucketObservation(window: window, interval: interval, values: values, now: now)
            outcome.add(ledgers[area, default: BucketLedger()].ingest(observation, settleDelay: rules.settleDelay, horizon: rules.horizon))
        }
        if !ledgers.isEmpty { counters[kind] = ledgers }
        return outcome
    }

    /// Sets the gauges of `kind` from the newest settled slot of a series (older answers never
    /// replace newer ones).
    public mutating func update(_ kind: GaugeKind, slots: [(timestamp: Int64, values: [Area: Double])], interval: Int64, now: Int64,
                                rules: SettlementRules, transform: (Double) -> Double = { $0 }) {
        let settled = slots.filter { now >= $0.timestamp + interval + rules.settleDelay && !$0.values.isEmpty }
        guard let newest = settled.max(by: { $0.timestamp < $1.timestamp }) else { return }
        if let current = newestBucket(of: kind), current > newest.timestamp { return }
        gauges[kind] = newest.values.mapValues { value in
            GaugeReading(bucketStart: newest.timestamp, value: value.isFinite && value >= 0 ? transform(value) : 0)
        }
    }
}

extension IngestOutcome {
    mutating func add(_ other: IngestOutcome) {
        newBuckets += other.newBuckets
        upwardRevisions += other.upwardRevisions
        downwardRevisions += other.downwardRevisions
        invalidValues += other.invalidValues
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
}
