@testable import Agent
import Primitives
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The 95th percentile from the top 5 % + 1 points, against sorting the whole period, and the
/// billing month's calendar.
@Suite struct PercentilePointsTests {
    /// The definition, by brute force: sorted from highest, the top 5 % (rounded down) left out.
    static func percentile95(_ values: [Double], periodPoints: Int? = nil) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted(by: >)
        let index = (periodPoints ?? values.count) * 5 / 100
        return index < sorted.count ? sorted[index] : nil
    }

    @Test func aWholeMonthInAnyOrderGivesTheDefinitionsFigureAtEveryPoint() {
        let month = BillingMonth(year: 2026, month: 11)
        #expect(month.pointCount == 8640 && month.burstPointCount == 432)
        var random = SeededGenerator(seed: 11)
        // A daily curve, noise, ties (rounded to whole Mbit/s) and bursts.
        var values = (0..<month.pointCount).map { index -> Double in
            let hour = Double(index % 288) / 12
            let curve = 0.35 + 0.65 * (0.5 - 0.5 * cos(2 * Double.pi * (hour - 9) / 24))
            let burst = Double.random(in: 0..<1, using: &random) < 0.04 ? Double.random(in: 2...6, using: &random) : 1
            return (curve * burst * Double.random(in: 0.85...1.15, using: &random) * 800).rounded() * 1e6
        }
        values.shuffle(using: &random)
        var points = PercentilePoints(periodPointCount: month.pointCount)
        var seen: [Double] = []
        for (index, value) in values.enumerated() {
            points.record(.init(start: month.start + Int64(index) * 300, bitsPerSecond: value))
            seen.append(value)
            if index % 97 == 0 || index == values.count - 1 {
                #expect(points.percentile95SoFar?.bitsPerSecond == Self.percentile95(seen), "after \(index + 1) points")
                #expect(points.percentile95Floor?.bitsPerSecond == Self.percentile95(seen, periodPoints: month.pointCount), "after \(index + 1) points")
                #expect(points.peak?.bitsPerSecond == seen.max())
            }
        }
        #expect(points.highest.count == 433, "the top 5 % + 1, not the month")
        #expect(points.percentile95SoFar == points.percentile95Floor, "a complete month: both are the month's figure")
    }

    @Test func theBurstBudgetCountsPointsAboveTheCommitmentExactly() {
        let day = 288
        var points = PercentilePoints(periodPointCount: day)  // 14 points may burst
        for index in 0..<100 {
            points.record(.init(start: Int64(index) * 300, bitsPerSecond: index < 6 ? 900e6 : 300e6))
        }
        let budget = points.burstBudget(committed: 500e6)
        #expect(budget.allowed == 14 && budget.used == 6 && budget.remaining == 8 && !budget.exceeded)
        // 6 in 100 points: 18 by the end of the day at this pace, over the 14 allowed.
        #expect(budget.projected == 18 && budget.projectedToExceed)
        for index in 100..<110 {
            points.record(.init(start: Int64(index) * 300, bitsPerSecond: 950e6))
        }
        let spent = points.burstBudget(committed: 500e6)
        #expect(spent.used == 15 && spent.remaining == 0 && spent.exceeded, "counted up to the budget + 1")
        #expect(points.percentile95Floor?.bitsPerSecond == 900e6, "the 15th highest: above the commitment whatever comes")
    }

    @Test func equalValuesKeepTheEarlierPointAndARestoredTrackerIsTheSame() {
        var points = PercentilePoints(periodPointCount: 40)  // keeps 3
        for start in [500, 100, 300, 200] as [Int64] {
            points.record(.init(start: start, bitsPerSecond: 7))
        }
        #expect(points.highest.map(\.start) == [100, 200, 300])
        let restored = PercentilePoints(periodPointCount: 40, recordedCount: points.recordedCount, highest: points.highest.reversed())
        #expect(restored == points)
    }

    @Test func billingMonthsFollowChinaTimeAndTheCalendar() throws {
        // 2026-11-30 16:00 UTC is 2026-12-01 00:00 in China.
        let december = BillingMonth(containing: 1_796_054_400)
        #expect(december.description == "2026-12")
        #expect(BillingMonth(containing: 1_796_054_399).description == "2026-11")
        #expect(december.start == 1_796_054_400 && december.dayCount == 31 && december.pointCount == 8928 && december.burstPointCount == 446)
        #expect(december.next.description == "2027-01" && december.end == december.next.start)
        #expect(BillingMonth(year: 2028, month: 2).dayCount == 29 && BillingMonth(year: 2026, month: 2).dayCount == 28)
        #expect(try #require(BillingMonth(parsing: "2026-11")) == BillingMonth(year: 2026, month: 11))
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", "", "2026-11-01"] {
            #expect(BillingMonth(parsing: bad) == nil, "\(bad)")
        }
        let utc = BillingMonth(containing: 1_796_054_400, utcOffset: 0)
        #expect(utc.description == "2026-11" && utc.start == UTCTimestamp.epochSeconds(year: 2026, month: 11, day: 1))
    }
}
