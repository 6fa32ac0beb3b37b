@testable import Agent
import Foundation
import Testing
import TestSupport

/// The month's billing figures from the agent's own buckets: exact against brute force, the same
/// across a restart, a new month starting afresh.
@Suite struct UsageLedgerTests {
    static let month = BillingMonth(year: 2026, month: 11)
    static let domains = ["a.example.com", "b.example.com"]

    /// A month of buckets for two domains, in the order a poll hands them over (domain by domain,
    /// an hour at a time).
    static func buckets(seed: UInt64) -> [(String, UsageLedger.Bucket)] {
        var random = SeededGenerator(seed: seed)
        var result: [(String, UsageLedger.Bucket)] = []
        for hour in stride(from: month.start, to: month.end, by: 3600) {
            for domain in domains {
                for start in stride(from: hour, to: hour + 3600, by: 300) {
                    let burst = Double.random(in: 0..<1, using: &random) < 0.03 ? 5.0 : 1.0
                    let domestic = (Double.random(in: 100...200, using: &random) * burst).rounded() * 1e6
                    let overseas = Double.random(in: 0...50, using: &random).rounded() * 1e6
                    result.append((domain, .init(start: start, bitsPerSecond: [.domestic: domestic, .overseas: overseas],
                                                 bytes: [.domestic: domestic * 300 / 8, .overseas: overseas * 300 / 8])))
                }
            }
        }
        return result
    }

    static func percentile95(_ values: [Double]) -> Double {
        values.sorted(by: >)[values.count * 5 / 100]
    }

    @Test func aMonthOfBucketsGivesTheDefinitionsFiguresForEachDomainAndTheSum() {
        let buckets = Self.buckets(seed: 3)
        var ledger = UsageLedger(month: Self.month)
        for (domain, bucket) in buckets {
            ledger.record(bucket, domain: domain, expected: Set(Self.domains))
        }
        #expect(ledger.pendingCount == 0)
        for domain in Self.domains {
            let own = buckets.filter { $0.0 == domain }.map { $0.1.bitsPerSecond.values.reduce(0, +) }
            #expect(ledger.domains[domain]?.points.percentile95SoFar?.bitsPerSecond == Self.percentile95(own))
        }
        var summed: [Int64: [Area: Double]] = [:]
        for (_, bucket) in buckets {
            for (area, value) in bucket.bitsPerSecond { summed[bucket.start, default: [:]][area, default: 0] += value }
        }
        #expect(ledger.total.points.recordedCount == Self.month.pointCount)
        #expect(ledger.total.points.percentile95SoFar?.bitsPerSecond == Self.percentile95(summed.values.map { $0.values.reduce(0, +) }))
        #expect(ledger.total.areaPoints[.overseas]?.percentile95SoFar?.bitsPerSecond == Self.percentile95(summed.values.map { $0[.overseas] ?? 0 }))
        let firstDay = summed.filter { $0.key < Self.month.start + 86_400 }.map { $0.value[.domestic] ?? 0 }.max()
        #expect(ledger.total.dailyPeaks[.domestic]?[0] == firstDay && ledger.total.validDays.count == 30)
        #expect(ledger.total.bytes[.domestic] == buckets.reduce(0) { $0 + ($1.1.bytes[.domestic] ?? 0) })
        #expect(ledger.monthUsage.percentile95[.overseas] == ledger.total.areaPoints[.overseas]?.percentile95SoFar?.bitsPerSecond)
    }

    @Test func aRestartMidMonthChangesNothing() throws {
        let buckets = Self.buckets(seed: 5)
        var straight = UsageLedger(month: Self.month)
        var restarted = UsageLedger(month: Self.month)
        for (index, (domain, bucket)) in buckets.enumerated() {
            straight.record(bucket, domain: domain, expected: Set(Self.domains))
            restarted.record(bucket, domain: domain, expected: Set(Self.domains))
            // Saved and read back in the middle of a summed point (one domain's bucket in, not the other's).
            if index == buckets.count / 2 + 3 {
                #expect(restarted.pendingCount > 0)
                restarted = try JSONDecoder().decode(UsageLedger.self, from: try JSONEncoder().encode(restarted))
            }
        }
        #expect(restarted == straight)
    }

    @Test func aNewMonthStartsAfreshAndAnOldBucketIsIgnored() {
        var ledger = UsageLedger(month: Self.month)
        let bucket = { (start: Int64) in UsageLedger.Bucket(start: start, bitsPerSecond: [.domestic: 8e6], bytes: [.domestic: 3e8]) }
        ledger.record(bucket(Self.month.end - 300), domain: "a.example.com", expected: ["a.example.com"])
        ledger.record(bucket(Self.month.end), domain: "a.example.com", expected: ["a.example.com"])
        #expect(ledger.month == Self.month.next && ledger.total.points.recordedCount == 1 && ledger.total.bytes[.domestic] == 3e8)
        ledger.record(bucket(Self.month.end - 600), domain: "a.example.com", expected: ["a.example.com"])
        #expect(ledger.total.points.recordedCount == 1, "November's late bucket does not count in December")
    }

    @Test func bytesAndBandwidthMayArriveApart() {
        var together = UsageLedger(month: Self.month)
        var apart = UsageLedger(month: Self.month)
        for (domain, bucket) in Self.buckets(seed: 7).prefix(500) {
            together.record(bucket, domain: domain, expected: Set(Self.domains))
            apart.record(.init(start: bucket.start, bitsPerSecond: [:], bytes: bucket.bytes), domain: domain, expected: Set(Self.domains))
            apart.record(.init(start: bucket.start, bitsPerSecond: bucket.bitsPerSecond, bytes: [:]), domain: domain, expected: Set(Self.domains))
        }
        #expect(apart == together)
    }

    @Test func aSumWaitsAnHourForADomainThatStoppedReporting() {
        var ledger = UsageLedger(month: Self.month)
        let start = Self.month.start
        ledger.record(.init(start: start, bitsPerSecond: [.domestic: 5e6], bytes: [:]), domain: "a.example.com", expected: Set(Self.domains))
        #expect(ledger.pendingCount == 1 && ledger.total.points.recordedCount == 0)
        ledger.record(.init(start: start + 3600, bitsPerSecond: [.domestic: 7e6], bytes: [:]), domain: "a.example.com", expected: Set(Self.domains))
        #expect(ledger.pendingCount == 1 && ledger.total.points.highest.map(\.bitsPerSecond) == [5e6], "counted with what it had after an hour")
    }

    /// A domain's bucket that arrives after its summed point settled without it (the domain was
    /// away, then its gap was filled) raises that point: never a second point for the same 5
    /// minutes, and the same figures as when it came in time.
    @Test func aLateBucketRaisesItsSettledPointInsteadOfAddingOne() throws {
        var late = UsageLedger(month: Self.month)
        var inTime = UsageLedger(month: Self.month)
        let all = Self.buckets(seed: 11).prefix(900)
        for (domain, bucket) in all {
            inTime.record(bucket, domain: domain, expected: Set(Self.domains))
            // The first domain's buckets of one stretch come after everything else.
            if domain == Self.domains[0] && bucket.start < Self.month.start + 6 * 3600 { continue }
            late.record(bucket, domain: domain, expected: Set(Self.domains.dropFirst()))
        }
        for (domain, bucket) in all where domain == Self.domains[0] && bucket.start < Self.month.start + 6 * 3600 {
            late.record(bucket, domain: domain, expected: Set(Self.domains))
        }
        #expect(late.total.points.recordedCount == inTime.total.points.recordedCount)
        #expect(late.total.points.highest == inTime.total.points.highest)
        #expect(late.total.areaPoints == inTime.total.areaPoints)
        #expect(late.total.dailyPeaks == inTime.total.dailyPeaks && late.total.validDays == inTime.total.validDays)
        #expect(late.domains == inTime.domains)
        // And it survives the state file.
        let decoded = try JSONDecoder().decode(UsageLedger.self, from: JSONEncoder().encode(late))
        #expect(decoded == late)
    }

    @Test func aDomainsDayPeakIsItsNewestDays() {
        var ledger = UsageLedger(month: Self.month)
        let record = { (ledger: inout UsageLedger, start: Int64, value: Double) in
            ledger.record(.init(start: start, bitsPerSecond: [.domestic: value], bytes: [:]), domain: "a.example.com", expected: ["a.example.com"])
        }
        record(&ledger, Self.month.start, 9e6)
        record(&ledger, Self.month.start + 300, 4e6)
        #expect(ledger.domains["a.example.com"]?.dayPeak == 9e6)
        record(&ledger, Self.month.start + 86_400, 2e6)
        #expect(ledger.domains["a.example.com"]?.peakDay == 1 && ledger.domains["a.example.com"]?.dayPeak == 2e6)
        record(&ledger, Self.month.start + 600, 12e6)
        #expect(ledger.domains["a.example.com"]?.dayPeak == 2e6, "a late bucket of an earlier day leaves today's peak")
        #expect(ledger.totalDayPeak?.day == 1 && ledger.totalDayPeak?.bitsPerSecond[.domestic] == 2e6)
        #expect(ledger.total.dailyPeaks[.domestic]?[0] == 12e6)
    }

    @Test func aDamagedSavedLedgerIsRefused() throws {
        var ledger = UsageLedger(month: Self.month)
        ledger.record(.init(start: Self.month.start, bitsPerSecond: [.domestic: 5e6], bytes: [:]), domain: "a.example.com", expected: ["a.example.com"])
        let text = String(decoding: try JSONEncoder().encode(ledger), as: UTF8.self)
        for damage in [("\"month\":11", "\"month\":13"), ("\"period_points\":8640", "\"period_points\":0"), (" 0:5000000\"", " 0:-5\""),
                       (" 0:5000000\"", " 0:5000000:1\""), ("\"domestic\":\"5000000\"", "\"domestic\":\"fast\""),
                       ("\"domestic\":\"5000000\"", "\"domestic\":\"\(String(repeating: ",", count: 9000))\"")] {
            let damaged = Data(text.replacingOccurrences(of: damage.0, with: damage.1).utf8)
            #expect(text.contains(damage.0))
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(UsageLedger.self, from: damaged) }
        }
    }
}
