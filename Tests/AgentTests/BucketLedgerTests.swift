@testable import Agent
import Testing
import TestSupport

@Suite struct BucketLedgerTests {
    static let interval: Int64 = 300, settle: Int64 = 900, horizon: Int64 = 7200

    private func observe(_ ledger: inout BucketLedger, window: Range<Int64>, values: [Int64: Double], now: Int64) -> IngestOutcome {
        ledger.ingest(BucketObservation(window: window, interval: Self.interval, values: values, now: now), settleDelay: Self.settle, horizon: Self.horizon)
    }

    @Test func onlySettledBucketsCountAndOverlapsCountOnce() {
        var ledger = BucketLedger()
        let values: [Int64: Double] = [0: 10, 300: 20, 600: 30, 900: 40]
        // At 1500: buckets 0 (ends 300, settles 1200) counts; 300 settles at 1500; 600 not yet.
        var outcome = observe(&ledger, window: 0..<1200, values: values, now: 1500)
        #expect(outcome.newBuckets == 2 && ledger.total == 30 && ledger.newest?.start == 300)
        outcome = observe(&ledger, window: 0..<1500, values: values, now: 1800)
        #expect(outcome.newBuckets == 1 && ledger.total == 60)
        outcome = observe(&ledger, window: 0..<1500, values: values, now: 1800)  // a retry of the same poll
        #expect(outcome.newBuckets == 0 && ledger.total == 60)
    }

    /// An hourly answer (a wider window, or an API change) is refused whole: counted, its 10:00
    /// would overlap the 5-minute buckets 10:05–10:55 that follow.
    @Test func onlyFiveMinuteBucketsAreCounted() {
        var ledger = BucketLedger()
        let hourly = ledger.ingest(BucketObservation(window: 0..<7200, interval: 3600, values: [0: 3600, 3600: 3600], now: 9000),
                                   settleDelay: Self.settle, horizon: Self.horizon)
        #expect(hourly.refusedObservations == 1 && hourly.newBuckets == 0 && ledger.total == 0 && ledger.cursor == nil)
        let fiveMinute = observe(&ledger, window: 0..<600, values: [0: 300, 300: 300], now: 9000)
        #expect(fiveMinute.refusedObservations == 0 && fiveMinute.newBuckets == 2 && ledger.total == 600)
    }

    /// The agent says so once per kind and width, not once per domain and run.
    @Test func refusedWidthsAreLoggedOnce() async throws {
        let harness = try EngineHarness(source: .list(["a.example.com", "b.example.com"]), collectors: [.traffic])
        _ = try await harness.cycle()  // the list is read: both domains selected
        let hourly = NewSamplesTests.traffic([NewSamplesTests.start: [.domestic: 3600]], receivedAt: NewSamplesTests.start + 9000,
                                             window: NewSamplesTests.start..<(NewSamplesTests.start + 3600), interval: 3600)
        for _ in 0..<3 {
            for domain in ["a.example.com", "b.example.com"] { await harness.engine.apply(hourly, to: domain) }
        }
        let lines = harness.logs.all.filter { $0.message.contains("not 5 minutes wide") }
        #expect(lines.count == 2, "traffic and HTTPS traffic, once each: \(lines.map(\.metadata))")
    }

    /// After a day's gap is filled, the day of buckets is forgotten and its memory given back.
    @Test func aBackfilledDayIsForgottenAndItsRoomGivenBack() {
        var ledger = BucketLedger()
        let day: Int64 = 86_400
        let values = Dictionary(uniqueKeysWithValues: stride(from: Int64(0), to: day, by: 300).map { ($0, 1.0) })
        let outcome = observe(&ledger, window: 0..<day, values: values, now: day + 900)
        #expect(outcome.newBuckets == 288 && ledger.total == 288)
        // Only buckets starting within the horizon before now (day + 900 − 7200) are remembered.
        #expect(ledger.counted.count == Int((day - (day + 900 - Self.horizon)) / 300), "only the horizon is remembered")
        #expect(ledger.reservedBuckets < 4 * 32, "room for \(ledger.reservedBuckets) buckets kept")
        // Normal polls afterwards keep their room (no new storage on every ingest).
        _ = observe(&ledger, window: (day - 3600)..<(day + 300), values: [day: 1], now: day + 1500)
        #expect(ledger.total == 289)
    }

    @Test func revisionsConvergeUpwardAndNeverGoDown() {
        var ledger = BucketLedger()
        _ = observe(&ledger, window: 0..<600, values: [0: 10, 300: 5], now: 1500)
        #expect(ledger.total == 15)
        var outcome = observe(&ledger, window: 0..<600, values: [0: 12, 300: 5], now: 1800)
        #expect(outcome.upwardRevisions == 1 && ledger.total == 17)
        outcome = observe(&ledger, window: 0..<600, values: [0: 11, 300: 5], now: 2100)
        #expect(outcome.downwardRevisions == 1 && ledger.total == 17)
        outcome = observe(&ledger, window: 0..<600, values: [0: 12, 300: 5], now: 2400)  // back to the max: nothing new
        #expect(outcome.upwardRevisions == 0 && ledger.total == 17)
        #expect(ledger.upwardRevisions == 1 && ledger.downwardRevisions == 1)
    }

    @Test func absentSettledBucketsCountAsZeroUntilTheyAppear() {
        var ledger = BucketLedger()
        _ = observe(&ledger, window: 0..<600, values: [300: 5], now: 1500)
        #expect(ledger.total == 5)
        let outcome = observe(&ledger, window: 0..<600, values: [0: 7, 300: 5], now: 1800)
        #expect(outcome.upwardRevisions == 1 && ledger.total == 12)
    }

    @Test func invalidValuesAreAbsent() {
        var ledger = BucketLedger()
        let outcome = observe(&ledger, window: 0..<900, values: [0: -5, 300: .nan, 600: .infinity], now: 3000)
        #expect(outcome.invalidValues == 3 && ledger.total == 0 && outcome.newBuckets == 3)
    }

    @Test func gapsBeyondTheWindowAreReportedAsMissed() {
        var ledger = BucketLedger()
        _ = observe(&ledger, window: 0..<600, values: [0: 1, 300: 1], now: 1500)
        let outcome = observe(&ledger, window: 3000..<3600, values: [3000: 1, 3300: 1], now: 4500)
        #expect(outcome.missedBuckets == 8 && outcome.newBuckets == 2)
    }

    @Test func restoredLedgersAreChecked() {
        #expect(BucketLedger.restored(total: 10, cursor: 300, counted: [0: 4, 300: 6], upwardRevisions: 0, downwardRevisions: 0) != nil)
        #expect(BucketLedger.restored(total: 5, cursor: 300, counted: [0: 4, 300: 6], upwardRevisions: 0, downwardRevisions: 0) == nil)
        #expect(BucketLedger.restored(total: 10, cursor: 0, counted: [0: 4, 300: 6], upwardRevisions: 0, downwardRevisions: 0) == nil)
        #expect(BucketLedger.restored(total: -1, cursor: nil, counted: [:], upwardRevisions: 0, downwardRevisions: 0) == nil)
        #expect(BucketLedger.restored(total: .nan, cursor: nil, counted: [:], upwardRevisions: 0, downwardRevisions: 0) == nil)
    }

    @Test func windows() {
        // Trailing hour, aligned, the bucket in progress left out.
        #expect(PollWindowPlanner.windows(now: 7_250, interval: 300, lookback: 3600, cursor: nil, maxBackfill: 86_400) == [3600..<7200])
        // A gap since the cursor is backfilled...
        #expect(PollWindowPlanner.windows(now: 7_250, interval: 300, lookback: 3600, cursor: 600, maxBackfill: 86_400) == [900..<7200])
        // ...up to the backfill limit, in chunks of at most a day.
        let long = PollWindowPlanner.windows(now: 300_000, interval: 300, lookback: 3600, cursor: 0, maxBackfill: 172_800)
        #expect(long.first?.lowerBound == 300_000 - 172_800 && long.last?.upperBound == 300_000 && long.count == 2)
        #expect(long.allSatisfy { $0.count <= 86_400 })
    }
}
