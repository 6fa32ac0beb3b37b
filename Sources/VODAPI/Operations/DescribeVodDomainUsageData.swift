import Primitives

/// Billing-style usage (the figures the bill is made from, not the monitoring data): traffic in
/// bytes or bandwidth in bit/s per slot, for one billing area, for up to 100 domains merged or
/// the whole account. `Field` and both times are required; 5-minute slots cover at most 3 days a
/// call, hourly and daily ones up to a month.
public struct DescribeVodDomainUsageData: VODOperation {
    public static let action = "DescribeVodDomainUsageData"
    public static let maxDomains = 100

    /// What is measured.
    public enum Field: String, Sendable {
        /// Bytes per slot.
        case traffic = "traf"
        /// Bandwidth per slot, bit/s.
        case bandwidth = "bps"
    }

    /// The billing area, as the API spells it.
    public enum BillingArea: String, Sendable, CaseIterable {
        /// The Chinese mainland.
        case domestic = "CN"
        case overseas = "OverSeas"
    }

    public var field: Field
    public var area: BillingArea
    /// Empty: the whole account.
    public var domains: [String]
    public var start: Int64
    public var end: Int64
    /// Slot width: 300, 3600 or 86400 seconds.
    public var interval: Int

    public init(field: Field, area: BillingArea, domains: [String] = [], start: Int64, end: Int64, interval: Int) {
        self.field = field
        self.area = area
        self.domains = domains
        self.start = start
        self.end = end
        self.interval = interval
    }

    /// The longest span one call may ask for at an interval.
    public static func maxSpan(interval: Int) -> Int64 {
        interval == 300 ? 3 * 86_400 : 31 * 86_400
    }

    /// Billing figures, hourly at most: they take only the rate the other calls leave.
    public var lane: RequestGate.Lane { .background }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        var builder = ParameterBuilder(action: Self.action)
        guard [300, 3600, 86_400].contains(interval) else {
            throw builder.fail("Interval must be 300, 3600 or 86400, got \(interval)")
        }
        guard start % Int64(interval) == 0, end % Int64(interval) == 0 else {
            throw builder.fail("StartTime and EndTime must fall on the \(interval)-second grid")
        }
        try builder.setTimeRange(start: start, end: end, maxSpanSeconds: Self.maxSpan(interval: interval))
        try builder.setDomains(domains, limit: Self.maxDomains, required: false)
        builder.set("Field", field.rawValue)
        builder.set("Area", area.rawValue)
        builder.set("Interval", String(interval))
        builder.set("Type", "all")
        return builder.parameters
    }

    /// One slot.
    public struct Slot: Sendable, Equatable {
        public var timestamp: Int64
        public var value: Double

        public init(timestamp: Int64, value: Double) {
            self.timestamp = timestamp
            self.value = value
        }
    }

    public struct Response: Sendable, Equatable {
        public var requestId: String
        public var slots: [Slot]
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        var slots: [Slot] = []
        for entry in try body.nestedArray("UsageDataPerInterval", "DataModule") {
            // A slot the API has no figure for yet says "" (not zero): left out.
            guard let value = try entry.number("Value") else { continue }
            guard value >= 0 else { throw ResponseDecodingError(path: "\(entry.path).Value", problem: "negative usage \(value)") }
            slots.append(Slot(timestamp: try entry.requiredTimestamp("TimeStamp"), value: value))
        }
        return Response(requestId: try body.optionalString("RequestId") ?? "", slots: slots)
    }
}
