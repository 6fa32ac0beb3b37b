import HTTPClient
import Primitives
/// One VOD API operation: its name, how it is sent, its validated parameters and how its
/// response decodes. ``VODClient`` runs any operation the same way.
public protocol VODOperation: Sendable {
    associatedtype Response: Sendable

    /// The API operation name, e.g. `DescribeVodDomainTrafficData`.
    static var action: String { get }
    /// GET for reads, POST for the cache operations.
    var method: HTTPMethod { get }
    /// Whether a call consumes daily quota (refresh, preload). Such calls are never retried once
    /// the request may have reached the server.
    var consumesQuota: Bool { get }
    /// Where the parameters travel: the query string (reads), or a form body for POSTs whose
    /// parameters can be long (up to 1,000 URLs would not fit in a URL).
    var placement: RPCRequest.ParameterPlacement { get }
    /// The gate's lane: `bulk` for the per-domain history queries, `priority` for the rest.
    var lane: RequestGate.Lane { get }
    /// The business parameters, after checking the documented rules.
    /// - Throws: ``RequestValidationError`` naming the broken rule, before anything is sent.
    func parameters() throws(RequestValidationError) -> [String: String]
    /// Decodes a successful response body.
    /// - Throws: ``ResponseDecodingError`` naming the field path that does not fit.
    static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response
}

extension VODOperation {
    /// The VOD API version every operation here belongs to.
    public static var version: String { "2017-03-21" }
    public var method: HTTPMethod { .get }
    public var consumesQuota: Bool { false }
    public var placement: RPCRequest.ParameterPlacement { .query }
    public var lane: RequestGate.Lane { .priority }

    /// The unsigned request for this operation.
    public func rpcRequest() throws(RequestValidationError) -> RPCRequest {
        RPCRequest(action: Self.action, version: Self.version, method: method, parameters: try parameters(), placement: placement)
    }
}

/// A request that breaks a documented parameter rule; raised before anything is sent.
public struct RequestValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let action: String
    public let problem: String

    public init(action: String, problem: String) {
        self.action = action
        self.problem = problem
    }

    public var description: String {
        "invalid \(action) request: \(problem)"
    }
}

/// Helpers that build parameter dictionaries and enforce the shared rules.
struct ParameterBuilder {
    let action: String
    private(set) var parameters: [String: String] = [:]

    init(action: String) {
        self.action = action
    }

    func fail(_ problem: String) -> RequestValidationError {
        RequestValidationError(action: action, problem: problem)
    }

    mutating func set(_ key: String, _ value: String?) {
        if let value { parameters[key] = value }
    }

    mutating func set(_ key: String, _ value: Int?) {
        if let value { parameters[key] = String(value) }
    }

    mutating func set(_ key: String, _ value: Bool?) {
        if let value { parameters[key] = value ? "true" : "false" }
    }

    /// StartTime and EndTime: both or neither, end after start, UTC text.
    mutating func setTimeRange(start: Int64?, end: Int64?, maxSpanSeconds: Int64? = nil) throws(RequestValidationError) {
        switch (start, end) {
        case (nil, nil):
            return
        case (let start?, let end?):
            guard end > start else {
                throw fail("EndTime \(UTCTimestamp.format(end)) must be after StartTime \(UTCTimestamp.format(start))")
            }
            if let maxSpanSeconds, end - start > maxSpanSeconds {
                throw fail("the time range may span at most \(maxSpanSeconds) seconds, got \(end - start)")
            }
            parameters["StartTime"] = UTCTimestamp.format(start)
            parameters["EndTime"] = UTCTimestamp.format(end)
        default:
            throw fail("StartTime and EndTime must be given together or not at all")
        }
    }

    /// A comma-joined domain list: each name plausible, at most `limit` names.
    mutating func setDomains(_ domains: [String], limit: Int, required: Bool) throws(RequestValidationError) {
        if domains.isEmpty {
            if required { throw fail("DomainName is required") }
            return
        }
        guard domains.count <= limit else {
            throw fail("at most \(limit) domain names per call, got \(domains.count)")
        }
        for domain in domains where !Self.isPlausibleDomain(domain) {
            throw fail("'\(domain.prefix(80))' is not a domain name")
        }
        parameters["DomainName"] = domains.joined(separator: ",")
    }

    /// Checks `value` against an inclusive range.
    func check(_ name: String, _ value: Int?, in range: ClosedRange<Int>) throws(RequestValidationError) {
        if let value, !range.contains(value) {
            throw fail("\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    /// Letters, digits, `-`, `.`, `_` and a leading `*.` wildcard; 1–253 characters.
    static func isPlausibleDomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        var body = Substring(name)
        if body.hasPrefix("*.") { body = body.dropFirst(2) }
        return !body.isEmpty && body.utf8.allSatisfy { byte in
            PercentEncoding.isUnreserved(byte) && byte != UInt8(ascii: "~")
        }
    }
}
