/// A month's usage so far per billing area: what a price sheet turns into money.
public struct MonthUsage: Sendable, Equatable {
    /// Bytes served in the month so far.
    public var bytes: [Area: Double]
    /// The peak 5-minute bandwidth (bit/s) of each day so far, oldest first.
    public var dailyPeaks: [Area: [Double]]
    /// The month's 95th-percentile bandwidth so far (bit/s).
    public var percentile95: [Area: Double]
    /// Days so far that had traffic.
    public var validDays: Int

    public init(bytes: [Area: Double] = [:], dailyPeaks: [Area: [Double]] = [:], percentile95: [Area: Double] = [:], validDays: Int = 0) {
        self.bytes = bytes
        self.dailyPeaks = dailyPeaks
        self.percentile95 = percentile95
        self.validDays = validDays
    }
}

/// An estimated bill: the month so far, and the month's end if the rest is like the part so far.
public struct CostEstimate: Sendable, Equatable {
    public var monthToDate: Double
    public var projected: Double
}

extension PriceSheet {
    /// The estimate of `month`'s bill at `now` from its usage so far. Areas the sheet has no
    /// prices for are left out (and so is traffic whose area the API did not report).
    public func estimate(_ usage: MonthUsage, month: BillingMonth, now: Int64) -> CostEstimate {
        let elapsed = min(max(Double(now - month.start) / Double(month.end - month.start), 1e-9), 1)
        let areas = tiers.keys.sorted { $0.rawValue < $1.rawValue }
        switch method {
        case .traffic:
            func cost(_ scale: Double) -> Double {
                areas.reduce(0) { $0 + (cumulativePrice(of: (usage.bytes[$1] ?? 0) * scale / bytesPerGB, in: $1) ?? 0) }
            }
            return CostEstimate(monthToDate: cost(1), projected: cost(1 / elapsed))
        case .peakBandwidth:
            var spent = 0.0
            var days = 0
            for area in areas {
                let peaks = usage.dailyPeaks[area] ?? []
                days = max(days, peaks.count)
                spent += peaks.reduce(0) { $0 + (wholeTierPrice(of: $1 / 1e6, in: area) ?? 0) }
            }
            let remainingDays = Double(max(month.dayCount - days, 0))
            return CostEstimate(monthToDate: spent, projected: days == 0 ? 0 : spent + spent / Double(days) * remainingDays)
        case .percentile95:
            let daysBegun = min(Int((elapsed * Double(month.dayCount)).rounded(.up)), month.dayCount)
            func cost(validDays: Int) -> Double {
                let share = prorateByValidDays ? Double(validDays) / Double(month.dayCount) : 1
                return areas.reduce(0) { $0 + (wholeTierPrice(of: (usage.percentile95[$1] ?? 0) / 1e6, in: $1) ?? 0) * share }
            }
            return CostEstimate(monthToDate: cost(validDays: usage.validDays),
                                projected: cost(validDays: min(usage.validDays + month.dayCount - daysBegun, month.dayCount)))
        }
    }
}
