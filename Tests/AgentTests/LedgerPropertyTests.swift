import Agent
import Foundation
import Testing
import TestSupport

/// Drives a ledger the way the agent does (planned windows, random poll times, failures,
/// restarts through the state encoding) against a model of delayed, revised API data, and
/// checks the invariants on every step.
@Suite struct LedgerPropertyTests {
    /// How the API reports one bucket over time.
    struct TrueBucket {
        let final: Double
        let appearsAfter: Int64     // seconds after the bucket's end: before, the bucket is absent
        let provisional: Double     // value shown until `finalAfter`
        let finalAfter: Int64
        let lateRevision: Double?   // an occasional change long after settling

        func reported(bucketEnd: Int64, at now: Int64) -> Double? {
            let age = now - bucketEnd
            if age < appearsAfter { return nil }
            if age < finalAfter { return provisional }
            // A late revision that flips back and forth, as a console being corrected might.
            if let lateRevision, age >= 1500 { return (now / 600) % 2 == 0 ? lateRevision : final }
            return final
        }
    }

    static let interval: Int64 = 300, settle: Int64 = 900, lookback: Int64 = 3600

    @Test(arguments: 0..<40)
    func invariantsHold(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed))
        let withRevisions = seed % 2 == 1
        let horizon = 20 * 3600 / Self.interval
        var truth: [Int64: TrueBucket] = [:]
        for index in 0..<Int64(horizon) {
            let final = Double(Int.random(in: 0...1_000_000, using: &random))
            // Without revisions the data delay stays within the settle delay; with them, data is
            // sometimes later than that (counted as absent or provisional, then revised) and
            // sometimes changes again long after.
            let latest = withRevisions ? 1800 : Self.settle
            let appears = Int64.random(in: 0...(withRevisions ? 1200 : 600), using: &random)
            truth[index * Self.interval] = TrueBucket(
                final: final, appearsAfter: appears,
                provisional: (final * Double.random(in: 0.5...1, using: &random)).rounded(),
                finalAfter: Int64.random(in: appears...max(appears, latest), using: &random),
                lateRevision: withRevisions && Int.random(in: 0..<4, using: &random) == 0
                    ? max(0, final + Double(Int.random(in: -1000...1000, using: &random))) : nil)
        }
        var ledger = BucketLedger()
        var now: Int64 = 1800
        var previousTotal = 0.0
        var maxSeen: [Int64: Double] = [:]  // the largest value any poll returned per bucket
        let end: Int64 = 18 * 3600
        while now < end {
            now += Int64.random(in: 30...900, using: &random)
            if Int.random(in: 0..<6, using: &random) == 0 { continue }  // a failed poll
            if Int.random(in: 0..<15, using: &random) == 0 {                 // a restart with state
                ledger = try JSONDecoder().decode(BucketLedger.self, from: JSONEncoder().encode(ledger))
            }
            for window in PollWindowPlanner.windows(now: now, interval: Self.interval, lookback: Self.lookback, cursor: ledger.cursor, maxBackfill: 86_400) {
                var values: [Int64: Double] = [:]
                var bucket = window.lowerBound
                while bucket < window.upperBound {
                    if let reported = truth[bucket]?.reported(bucketEnd: bucket + Self.interval, at: now) {
                        values[bucket] = reported
                        if now >= bucket + Self.interval + Self.settle { maxSeen[bucket] = max(maxSeen[bucket] ?? 0, reported) }
                    }
                    bucket += Self.interval
                }
                _ = ledger.ingest(BucketObservation(window: window, interval: Self.interval, values: values, now: now),
                                  settleDelay: Self.settle, horizon: Self.lookback + Self.interval)
            }
            #expect(ledger.total >= previousTotal, "the counter went down")
            #expect(ledger.total <= maxSeen.values.reduce(0, +) + 1e-6, "more counted than was ever reported: double counting")
            previousTotal = ledger.total
        }
        // Long after the last poll everything has settled; one more poll covers the rest.
        let cursor = try #require(ledger.cursor)
        let settledTruth = truth.filter { $0.key <= cursor }
        if withRevisions {
            #expect(ledger.upwardRevisions > 0)
            // Downward revisions are not subtracted; upward ones are added: total = Σ max seen.
            #expect(abs(ledger.total - maxSeen.filter { $0.key <= cursor }.values.reduce(0, +)) < 1e-6)
        } else {
            // Settle delay ≥ data delay: every bucket was counted at its final value, exactly once.
            #expect(ledger.total == settledTruth.values.reduce(0) { $0 + $1.final })
            #expect(ledger.upwardRevisions == 0 && ledger.downwardRevisions == 0)
        }
    }
}
