/// The slot widths the data operations accept.
public enum DataInterval: Int, Sendable, CaseIterable {
    case fiveMinutes = 300
    case oneHour = 3600
    case oneDay = 86400
}

/// The parameters shared by the interval data operations (traffic, bandwidth, origin, hit
/// rate, QPS).
///
/// - Important: The API sums a multi-domain request into one series; ask per domain for
///   per-domain numbers.
public struct DomainDataQuery: Sendable, Equatable {
    /// Domains to sum; empty means every domain of the account.
    public var domainNames: [String]
    /// Range start and end (seconds since the epoch); both or neither.
    public var startTime: Int64?
    public var endTime: Int64?
    public var interval: DataInterval?
    /// ISP filter (English name), only for operations that support it.
    public var ispNameEn: String?
    /// Region filter (English name), only for operations that support it.
    public var locationNameEn: String?

    public init(
        domainNames: [String] = [], startTime: Int64? = nil, endTime: Int64? = nil, interval: DataInterval? = nil,
        ispNameEn: String? = nil, locationNameEn: String? = nil
    ) {
        self.domainNames = domainNames
        self.startTime = startTime
        self.endTime = endTime
        self.interval = interval
        self.ispNameEn = ispNameEn
        self.locationNameEn = locationNameEn
    }

    /// The most domain names one data call takes.
    public static let maxDomains = 500

    func parameters(action: String, allowsRegionFilter: Bool) throws(RequestValidationError) -> [String: String] {
        var builder = ParameterBuilder(action: action)
        try builder.setDomains(domainNames, limit: Self.maxDomains, required: false)
        try builder.setTimeRange(start: startTime, end: endTime)
        builder.set("Interval", interval.map { String($0.rawValue) })
        if !allowsRegionFilter && (ispNameEn != nil || locationNameEn != nil) {
            throw builder.fail("this operation takes no ISP or region filter")
        }
        builder.set("IspNameEn", ispNameEn)
        builder.set("LocationNameEn", locationNameEn)
        return builder.parameters
    }
}

/// An interval data operation whose answer is a ``DomainDataSeries``.
public protocol DomainDataOperation: VODOperation where Response == DomainDataSeries {
    var query: DomainDataQuery { get }
    init(query: DomainDataQuery)
    /// The response member holding `DataModule`.
    static var seriesContainer: String { get }
    /// Whether `IspNameEn`/`LocationNameEn` are accepted.
    static var allowsRegionFilter: Bool { get }
}

extension DomainDataOperation {
    /// One per domain per run: the bulk of the calls, kept off the slots reserved for the rest.
    public var lane: RequestGate.Lane { .bulk }
}

extension DomainDataOperation {
    public static var allowsRegionFilter: Bool { false }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        try query.parameters(action: Self.action, allowsRegionFilter: Self.allowsRegionFilter)
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> DomainDataSeries {
        try DomainDataSeries.decode(body, container: seriesContainer)
    }
}
