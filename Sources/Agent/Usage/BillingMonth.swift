import Primitives

/// A calendar month as the bill counts it: midnight to midnight in a fixed offset from UTC
/// (UTC+8, China Standard Time, by default: accounts on the China site are billed by Beijing time).
public struct BillingMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int64
    /// 1–12.
    public let month: Int64
    /// Seconds east of UTC.
    public let utcOffset: Int64

    /// The offset of China Standard Time.
    public static let chinaOffset: Int64 = 8 * 3600
    /// Seconds per point: the bill's bandwidth values are 5-minute values.
    public static let pointSeconds: Int64 = 300

    /// The month that contains `time` (seconds since the epoch).
    public init(containing time: Int64, utcOffset: Int64 = chinaOffset) {
        let date = UTCTimestamp.civilDate(ofEpochSeconds: time + utcOffset)
        self.init(year: date.year, month: date.month, utcOffset: utcOffset)
    }

    public init(year: Int64, month: Int64, utcOffset: Int64 = chinaOffset) {
        precondition((1...12).contains(month), "a month is 1-12")
        self.year = year
        self.month = month
        self.utcOffset = utcOffset
    }

    /// `2026-11`; nil for anything else.
    public init?(parsing text: String, utcOffset: Int64 = chinaOffset) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let year = Int64(parts[0]), let month = Int64(parts[1]), (1...12).contains(month) else { return nil }
        self.init(year: year, month: month, utcOffset: utcOffset)
    }

    /// The first second of the month.
    public var start: Int64 { UTCTimestamp.epochSeconds(year: year, month: month, day: 1) - utcOffset }
    /// The first second of the next month.
    public var end: Int64 { next.start }
    public var next: BillingMonth { month == 12 ? BillingMonth(year: year + 1, month: 1, utcOffset: utcOffset) : BillingMonth(year: year, month: month + 1, utcOffset: utcOffset) }
    public var dayCount: Int { Int((end - start) / 86_400) }
    /// The month's 5-minute points: 8,640 in a 30-day month.
    public var pointCount: Int { Int((end - start) / Self.pointSeconds) }
    /// The points the 95th percentile leaves out: the top 5 %, rounded down (432 in a 30-day month).
    public var burstPointCount: Int { pointCount * 5 / 100 }
    public func contains(_ time: Int64) -> Bool { time >= start && time < end }

    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)"
    }

    public static func < (lhs: BillingMonth, rhs: BillingMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }
}
