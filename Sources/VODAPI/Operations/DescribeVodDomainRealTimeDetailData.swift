/// 1-minute per-domain bandwidth, QPS and HTTP status counts for up to 20 domains in one call:
/// the cheapest and freshest source for spike alerts.
public struct DescribeVodDomainRealTimeDetailData: VODOperation {
    public static let action = "DescribeVodDomainRealTimeDetailData"
    public static let maxDomains = 20
    /// The longest range one call may ask for.
    public static let maxSpanSeconds: Int64 = 600

    /// What to fetch.
    public enum Field: String, Sendable, CaseIterable {
        case qps
        case bps
        case httpCode = "http_code"
    }

    public var domainNames: [String]
    public var startTime: Int64
    public var endTime: Int64
    public var fields: [Field]
    /// Sum all domains into one series (default false: one record per domain).
    public var merge: Bool?
    /// Sum over regions and ISPs.
    public var mergeLocIsp: Bool?

    public init(
        domainNames: [String], startTime: Int64, endTime: Int64, fields: [Field] = Field.allCases,
        merge: Bool? = nil, mergeLocIsp: Bool? = nil
    ) {
        self.domainNames = domainNames
        self.startTime = startTime
        self.endTime = endTime
        self.fields = fields
        self.merge = merge
        self.mergeLocIsp = mergeLocIsp
    }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        var builder = ParameterBuilder(action: Self.action)
        try builder.setDomains(domainNames, limit: Self.maxDomains, required: true)
        try builder.setTimeRange(start: startTime, end: endTime, maxSpanSeconds: Self.maxSpanSeconds)
        guard !fields.isEmpty else { throw builder.fail("Field needs at least one of qps, bps, http_code") }
        builder.set("Field", fields.map(\.rawValue).joined(separator: ","))
        builder.set("Merge", merge)
        builder.set("MergeLocIsp", mergeLocIsp)
        return builder.parameters
    }

    /// One minute of one domain (and region/ISP unless merged).
    public struct Record: Sendable, Equatable {
        public var timestamp: Int64
        public var domainName: String
        public var location: String?
        public var isp: String?
        public var qps: Double?
        public var bps: Double?
        /// Requests per HTTP status code.
        public var httpCodes: [String: Double]
    }

    /// The records of one call.
    public struct Response: Sendable, Equatable {
        public var requestId: String
        public var records: [Record]
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        // `Data` is a JSON document encoded as a string (an array of records); some gateways
        // send it already parsed.
        let records: [JSONCursor]
        switch try body.member("Data") {
        case nil, .string("")?:
            records = []
        case .string(let text)?:
            let inner: JSONValue
            do {
                inner = try JSONValue.parse(Array(text.utf8))
            } catch {
                throw ResponseDecodingError(path: "Data", problem: "the embedded JSON text does not parse")
            }
            records = try JSONCursor(.object(["Data": inner])).array("Data")
        case .array?:
            records = try body.array("Data")
        case let other?:
            throw ResponseDecodingError(path: "Data", problem: "expected JSON text or an array, found \(other.kindName)")
        }
        return Response(
            requestId: try body.optionalString("RequestId") ?? "",
            records: try records.map { record throws(ResponseDecodingError) in
                Record(
                    timestamp: try record.requiredTimestamp("time_stp"),
                    domainName: try record.optionalString("domain_name") ?? "",
                    location: try record.optionalString("location"),
                    isp: try record.optionalString("isp"),
                    qps: try record.number("qps"),
                    bps: try record.number("bps"),
                    httpCodes: try decodeCodes(record))
            })
    }

    /// `http_code` as an object `{"200": 12}` or as text `200:12,404:1`.
    private static func decodeCodes(_ record: JSONCursor) throws(ResponseDecodingError) -> [String: Double] {
        switch try record.member("http_code") {
        case nil, .string("")?:
            return [:]
        case .object(let members)?:
            let codes = JSONCursor(.object(members), path: record.path + ".http_code")
            var result: [String: Double] = [:]
            for key in members.keys {
                if let count = try codes.number(key) { result[key] = count }
            }
            return result
        case .string(let text)?:
            var result: [String: Double] = [:]
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: ":")
                guard parts.count == 2, let count = Double(parts[1]) else {
                    throw ResponseDecodingError(path: record.path + ".http_code", problem: "cannot read '\(pair.prefix(40))'")
                }
                result[String(parts[0])] = count
            }
            return result
        case let other?:
            throw ResponseDecodingError(path: record.path + ".http_code", problem: "expected an object, found \(other.kindName)")
        }
    }
}
