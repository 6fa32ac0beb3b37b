import VODAPI

/// Everything the agent knows of one domain's data: the traffic ledgers and the bandwidth
/// gauges, by area. Saved in the state file.
public struct DomainRecord: Codable, Sendable, Equatable {
    public var traffic: [Area: BucketLedger] = [:]
    public var httpsTraffic: [Area: BucketLedger] = [:]
    public var bandwidth: [Area: GaugeReading] = [:]
    public var httpsBandwidth: [Area: GaugeReading] = [:]

    public init() {}

    /// The oldest traffic cursor: where a backfill must start so no ledger misses a bucket.
    public var trafficCursor: Int64? {
        let cursors = (Array(traffic.values) + Array(httpsTraffic.values)).map(\.cursor)
        guard !cursors.isEmpty, cursors.allSatisfy({ $0 != nil }) else { return nil }
        return cursors.compactMap { $0 }.min()
    }

    /// The newest bucket the traffic gauges describe.
    public var trafficTimestamp: Int64? {
        traffic.values.compactMap { $0.newest?.start }.max()
    }

    /// The newest bucket the bandwidth gauges describe.
    public var bandwidthTimestamp: Int64? {
        bandwidth.values.map(\.bucketStart).max()
    }

    /// Applies a DescribeVodDomainTrafficData answer for `window`.
    public mutating func ingestTraffic(_ series: DomainDataSeries, window: Range<Int64>, now: Int64, rules: SettlementRules) -> IngestOutcome {
        let interval = Int64(series.dataInterval ?? 300)
        var outcome = Self.ingest(series.slots.map { ($0.timestamp, Area.splitAll($0)) }, into: &traffic,
                                  window: window, interval: interval, now: now, rules: rules)
        let https = Self.ingest(series.slots.map { ($0.timestamp, Area.splitHTTPS($0)) }, into: &httpsTraffic,
                                window: window, interval: interval, now: now, rules: rules)
        outcome.newBuckets += https.newBuckets
        outcome.upwardRevisions += https.upwardRevisions
        outcome.downwardRevisions += https.downwardRevisions
        outcome.invalidValues += https.invalidValues
        outcome.missedBuckets = max(outcome.missedBuckets, https.missedBuckets)
        return outcome
    }

    /// Applies a DescribeVodDomainBpsData answer: the gauges take the newest settled slot,
    /// converted from bit/s to bytes/s.
    public mutating func ingestBandwidth(_ series: DomainDataSeries, now: Int64, rules: SettlementRules) {
        let interval = Int64(series.dataInterval ?? 300)
        let settled = series.slots.filter { now >= $0.timestamp + interval + rules.settleDelay }
        guard let newest = settled.max(by: { $0.timestamp < $1.timestamp }) else { return }
        if let current = bandwidthTimestamp, current > newest.timestamp { return }
        bandwidth = Area.splitAll(newest).mapValues { GaugeReading(bucketStart: newest.timestamp, value: Self.bytes(fromBits: $0)) }
        httpsBandwidth = Area.splitHTTPS(newest).mapValues { GaugeReading(bucketStart: newest.timestamp, value: Self.bytes(fromBits: $0)) }
    }

    private static func bytes(fromBits value: Double) -> Double {
        value.isFinite && value >= 0 ? value / 8 : 0
    }

    private static func ingest(_ slots: [(Int64, [Area: Double])], into ledgers: inout [Area: BucketLedger], window: Range<Int64>,
                               interval: Int64, now: Int64, rules: SettlementRules) -> IngestOutcome {
        var valuesByArea: [Area: [Int64: Double]] = [:]
        for (timestamp, split) in slots {
            for (area, value) in split { valuesByArea[area, default: [:]][timestamp] = value }
        }
        // Areas seen before keep being fed (with zeros) so their buckets settle in step. An area
        // never reported gets no ledger: a domain without HTTPS has no HTTPS series.
        for area in ledgers.keys where valuesByArea[area] == nil { valuesByArea[area] = [:] }
        var outcome = IngestOutcome()
        for (area, values) in valuesByArea {
            let observation = BucketObservation(window: window, interval: interval, values: values, now: now)
            let result = ledgers[area, default: BucketLedger()].ingest(observation, settleDelay: rules.settleDelay, horizon: rules.horizon)
            outcome.newBuckets += result.newBuckets
            outcome.upwardRevisions += result.upwardRevisions
            outcome.downwardRevisions += result.downwardRevisions
            outcome.invalidValues += result.invalidValues
            outcome.missedBuckets = max(outcome.missedBuckets, result.missedBuckets)
        }
        return outcome
    }
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
