/// The accounting of one counter series built from delayed, revisable 5-minute buckets.
///
/// A bucket counts once it is **settled** (`now ≥ start + interval + settleDelay`). Each settled
/// bucket is added to `total` exactly once, whatever the overlap of windows, retries, failed
/// polls or restarts; a later change to a counted bucket is a revision: an increase is added
/// (so totals converge to the console), a decrease is only counted (a counter never goes down).
///
/// Invariant: `total` = Σ over counted buckets of the largest value seen for that bucket.
public struct BucketLedger: Codable, Equatable, Sendable {
    /// The sum of everything counted.
    public private(set) var total: Double = 0
    /// Start of the newest bucket counted; nil before the first.
    public private(set) var cursor: Int64?
    /// The value counted per bucket, oldest first, for buckets still inside the revision horizon.
    public var counted: [(start: Int64, value: Double)] {
        buckets.map { ($0.start, $0.value) }
    }
    /// The same. A ledger remembers a dozen or so buckets and the agent keeps several per
    /// domain, so a small sorted array (about half a dictionary's memory); new buckets only ever
    /// come after the cursor, at the end.
    private var buckets: [CountedBucket] = []

    private struct CountedBucket: Equatable, Sendable {
        var start: Int64
        var value: Double
    }
    /// Room reserved for remembered buckets (tests check it is given back after a backfill).
    var reservedBuckets: Int { buckets.capacity }
    /// Revisions seen, by direction, over the ledger's life.
    public private(set) var upwardRevisions: UInt64 = 0
    public private(set) var downwardRevisions: UInt64 = 0

    public init() {}

    /// The only bucket width a ledger counts: an hourly answer would count 10:00 and then
    /// 10:05–10:55 again.
    public static let bucketSeconds: Int64 = 300

    /// The newest counted bucket and its value: what the gauges show.
    public var newest: (start: Int64, value: Double)? {
        guard let cursor, let last = buckets.last, last.start == cursor else { return nil }
        return (cursor, last.value)
    }

    /// Applies one poll's observation.
    /// - Parameters:
    ///   - settleDelay: seconds after a bucket's end before it counts.
    ///   - horizon: buckets older than `now - horizon` are forgotten (no longer re-queried, so
    ///     no revision can be seen for them).
    public mutating func ingest(_ observation: BucketObservation, settleDelay: Int64, horizon: Int64) -> IngestOutcome {
        var outcome = IngestOutcome()
        guard observation.interval == Self.bucketSeconds else {
            outcome.refusedObservations = 1
            return outcome
        }
        let interval = observation.interval
        // Whole buckets of the window, aligned to the interval.
        var start = observation.window.lowerBound
        let remainder = start % interval
        if remainder != 0 { start += remainder > 0 ? interval - remainder : -remainder }
        let previousCursor = cursor
        var bucket = start
        while bucket < observation.window.upperBound {
            defer { bucket += interval }
            // Later buckets settle later still.
            guard SettlementRules.isSettled(bucketStart: bucket, interval: interval, settleDelay: settleDelay, at: observation.now) else { break }
            var value = observation.values[bucket] ?? 0
            // Callers check values against DataBounds first; this keeps the total finite whatever
            // a caller passes.
            if !value.isFinite || value < 0 || !(total + value).isFinite {
                outcome.invalidValues += 1
                value = 0
            }
            if let index = buckets.lastIndex(where: { $0.start == bucket }) {
                let already = buckets[index].value
                if value > already, (total + value - already).isFinite {
                    total += value - already
                    buckets[index].value = value
                    upwardRevisions += 1
                    outcome.upwardRevisions += 1
                } else if value < already {
                    downwardRevisions += 1
                    outcome.downwardRevisions += 1
                }
            } else if cursor == nil || bucket > cursor! {
                total += value
                buckets.append(CountedBucket(start: bucket, value: value))
                cursor = bucket
                outcome.newBuckets += 1
            }
            // Else: at or before the cursor and no longer remembered: counted long ago.
        }
        if let previousCursor, start > previousCursor + interval, outcome.newBuckets > 0 {
            outcome.missedBuckets = Int((start - previousCursor - interval) / interval)
        }
        // Forgotten in place: new storage per ingest would re-allocate every ledger's
        // long-lived memory each cycle, scattering it among the cycle's short-lived garbage.
        let oldest = observation.now - horizon
        let newestCounted = cursor
        buckets.removeAll { $0.start < oldest && $0.start != newestCounted }
        // A backfill grows the array to a day of buckets or more; once they are forgotten that
        // space is given back (rarely: after a gap, not on every ingest), or a thousand domains
        // would keep tens of megabytes for good.
        if buckets.capacity > 4 * max(buckets.count, 16) {
            var compact: [CountedBucket] = []
            compact.reserveCapacity(buckets.count)
            compact.append(contentsOf: buckets)
            buckets = compact
        }
        return outcome
    }

    /// A ledger restored from saved values (the state file), checked for consistency.
    /// - Returns: nil when the values contradict each other (a corrupt or edited file).
    public static func restored(total: Double, cursor: Int64?, counted: [Int64: Double], upwardRevisions: UInt64, downwardRevisions: UInt64) -> BucketLedger? {
        guard total.isFinite, total >= 0, counted.values.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        if let cursor, let newestCounted = counted.keys.max(), newestCounted > cursor { return nil }
        if cursor == nil && !counted.isEmpty { return nil }
        guard counted.values.reduce(0, +) <= total * (1 + 1e-9) + 1e-6 else { return nil }
        var ledger = BucketLedger()
        ledger.total = total
        ledger.cursor = cursor
        ledger.buckets = counted.sorted { $0.key < $1.key }.map { CountedBucket(start: $0.key, value: $0.value) }
        ledger.upwardRevisions = upwardRevisions
        ledger.downwardRevisions = downwardRevisions
        return ledger
    }
}
