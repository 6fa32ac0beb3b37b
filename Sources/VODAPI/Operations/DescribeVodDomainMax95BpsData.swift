import Primitives

/// The API's own 95th-percentile bandwidth of a day or a month, for one domain or the whole
/// account merged, with the mainland and overseas figures (strings, bit/s). GET only.
public struct DescribeVodDomainMax95BpsData: VODOperation {
    public static let action = "DescribeVodDomainMax95BpsData"

    public enum Cycle: String, Sendable {
        case day
        case month
    }

    /// nil: every domain of the account merged (the API takes one domain at most).
    public var domain: String?
    public var cycle: Cycle
    public var start: Int64
    public var end: Int64

    public init(domain: String?, cycle: Cycle, start: Int64, end: Int64) {
        self.domain = domain
        self.cycle = cycle
        self.start = start
        self.end = end
    }

    /// Billing figures, hourly at most: they take only the rate the other calls leave.
    public var lane: RequestGate.Lane { .background }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        var builder = ParameterBuilder(action: Self.action)
        try builder.setTimeRange(start: start, end: end)
        try builder.setDomains(domain.map { [$0] } ?? [], limit: 1, required: false)
        builder.set("Cycle", cycle.rawValue)
        return builder.parameters
    }

    /// One area's figure in the detail list.
    public struct Detail: Sendable, Equatable {
        public var area: String
        public var bitsPerSecond: Double
        /// When the chosen 5-minute point was, if the API says.
        public var peakTime: Int64?

        public init(area: String, bitsPerSecond: Double, peakTime: Int64?) {
            self.area = area
            self.bitsPerSecond = bitsPerSecond
            self.peakTime = peakTime
        }
    }

    public struct Response: Sendable, Equatable {
        public var requestId: String
        /// bit/s; nil when the API has no figure (an empty period).
        public var bitsPerSecond: Double?
        public var domesticBitsPerSecond: Double?
        public var overseasBitsPerSecond: Double?
        public var details: [Detail]
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        func figure(_ key: String) throws(ResponseDecodingError) -> Double? {
            guard let value = try body.number(key) else { return nil }
            guard value >= 0 else { throw ResponseDecodingError(path: "\(body.path).\(key)", problem: "negative bandwidth \(value)") }
            return value
        }
        var details: [Detail] = []
        if let detail = try body.optionalObject("DetailData") {
            for entry in try detail.array("Max95Detail") {
                guard let value = try entry.number("Max95Bps") else { continue }
                let peak = try entry.optionalString("Max95BpsPeakTime").flatMap { $0.isEmpty ? nil : UTCTimestamp.parse($0) }
                details.append(Detail(area: try entry.optionalString("Area") ?? "", bitsPerSecond: value, peakTime: peak))
            }
        }
        return Response(requestId: try body.optionalString("RequestId") ?? "", bitsPerSecond: try figure("Max95Bps"),
                        domesticBitsPerSecond: try figure("DomesticMax95Bps"), overseasBitsPerSecond: try figure("OverseasMax95Bps"),
                        details: details)
    }
}
