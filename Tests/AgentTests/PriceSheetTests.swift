@testable import Agent
import Testing

/// Price files, and estimates checked against bills computed by hand.
@Suite struct PriceSheetTests {
    static let november = BillingMonth(year: 2026, month: 11)

    static func sheet(_ text: String) throws -> PriceSheet {
        try PriceSheet.parse(Array(text.utf8))
    }

    @Test func trafficByCumulativeTiersMatchesAHandComputedBill() throws {
        // The sample file of docs/usage.md.
        let prices = try Self.sheet("""
            {"currency": "CNY", "method": "traffic",
             "domestic": [{"up_to": 10240, "price": 0.24}, {"up_to": 51200, "price": 0.23}, {"up_to": 512000, "price": 0.21}, {"price": 0.18}],
             "overseas": [{"price": 0.5}]}
            """)
        #expect(prices.currency == "CNY" && prices.method == .traffic && prices.bytesPerGB == 1e9)
        let usage = MonthUsage(bytes: [.domestic: 60_000e9, .overseas: 1_000e9, .unknown: 5e12])
        let halfway = Self.november.start + (Self.november.end - Self.november.start) / 2
        let estimate = prices.estimate(usage, month: Self.november, now: halfway)
        // 10,240 GB at 0.24 + 40,960 at 0.23 + 8,800 at 0.21, and 1,000 GB at 0.5.
        #expect(abs(estimate.monthToDate - (2457.6 + 9420.8 + 1848 + 500)) < 1e-6)
        // Twice the traffic by the month's end: 68,800 GB in the third tier.
        #expect(abs(estimate.projected - (2457.6 + 9420.8 + 14448 + 1000)) < 1e-6)
    }

    @Test func peakBandwidthPricesEachDayByTheTierItsPeakFallsIn() throws {
        let prices = try Self.sheet(#"{"currency": "USD", "method": "peak-bandwidth", "domestic": [{"up_to": 500, "price": 0.6}, {"price": 0.5}]}"#)
        let usage = MonthUsage(dailyPeaks: [.domestic: [400e6, 800e6], .overseas: [900e6]])
        let estimate = prices.estimate(usage, month: Self.november, now: Self.november.start + 2 * 86_400)
        #expect(abs(estimate.monthToDate - (400 * 0.6 + 800 * 0.5)) < 1e-9, "overseas has no prices: left out")
        #expect(abs(estimate.projected - (640 + 320 * 28)) < 1e-9)
    }

    @Test func the95thPercentileIsProratedByValidDaysWhenTheFileSaysSo() throws {
        let prices = try Self.sheet(#"{"currency": "CNY", "method": "95th-percentile", "prorate_by_valid_days": true, "domestic": [{"up_to": 1000, "price": 30}, {"price": 25}]}"#)
        let usage = MonthUsage(percentile95: [.domestic: 1200e6], validDays: 10)
        let estimate = prices.estimate(usage, month: Self.november, now: Self.november.start + 10 * 86_400)
        #expect(abs(estimate.monthToDate - 1200 * 25 * 10 / 30) < 1e-9)
        #expect(abs(estimate.projected - 1200 * 25) < 1e-9, "the 20 days left all valid")
    }

    @Test func unusableFilesAreRefusedWithTheirPlace() {
        let cases: [(String, String)] = [
            ("{", "$: not JSON"),
            ("[]", "$: must be an object"),
            (#"{"currency": "CNY", "method": "traffic", "domestic": [{"price": 1}], "discount": 5}"#, "$.discount: unknown key"),
            (#"{"currency": "CNY", "method": "flat", "domestic": [{"price": 1}]}"#, "$.method: \"flat\" is not one of traffic, peak-bandwidth, 95th-percentile"),
            (#"{"currency": "", "method": "traffic", "domestic": [{"price": 1}]}"#, "$.currency: empty"),
            (#"{"currency": "CNY", "method": "traffic"}"#, "$: no prices"),
            (#"{"currency": "CNY", "method": "traffic", "domestic": [{"up_to": 10, "price": 1}, {"up_to": 5, "price": 1}, {"price": 1}]}"#, "$.domestic[1].up_to: must be above the tier before"),
            (#"{"currency": "CNY", "method": "traffic", "domestic": [{"up_to": 10, "price": 1}]}"#, "$.domestic[0].up_to: the last tier has no bound"),
            (#"{"currency": "CNY", "method": "traffic", "domestic": [{"price": 1}, {"price": 1}]}"#, "$.domestic[0].up_to: missing"),
            (#"{"currency": "CNY", "method": "traffic", "domestic": [{"price": -1}]}"#, "$.domestic[0].price: must not be negative"),
            (#"{"currency": "CNY", "method": "traffic", "domestic": [{"price": 1, "per": "GB"}]}"#, "$.domestic[0].per: unknown key"),
            (#"{"currency": "CNY", "method": "traffic", "prorate_by_valid_days": true, "domestic": [{"price": 1}]}"#, "$.prorate_by_valid_days: only for the 95th-percentile method"),
            (#"{"currency": "CNY", "method": "traffic", "domestic": []}"#, "$.domestic: no tiers"),
        ]
        for (text, expected) in cases {
            #expect(throws: PriceSheet.Problem.self) { try Self.sheet(text) }
            do {
                _ = try Self.sheet(text)
            } catch {
                #expect("\(error)".hasPrefix(expected), "\(text): \(error)")
            }
        }
    }
}
