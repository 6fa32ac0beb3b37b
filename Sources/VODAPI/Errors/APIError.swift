import FoundationEssentials

/// An error answer of the Alibaba Cloud API: HTTP status plus the envelope fields, classified
/// so callers know whether to retry, slow down or tell the operator to fix credentials.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How an error should be handled.
    public enum Category: String, Sendable, CaseIterable {
        /// `Throttling`, `Throttling.User`, `Throttling.Api`: slow down and retry.
        case throttled
        /// `ServiceUnavailable`, `InternalError`, any 5xx: retry with backoff.
        case serverError
        /// Keys, signatures, tokens, clock or permissions: retrying will not help.
        case authentication
        /// Anything else the request itself got wrong.
        case request
    }

    public let status: Int
    public let code: String
    /// The server's message, with any echoed string-to-sign removed (it can carry a token).
    public let message: String
    public let requestId: String?
    public let hostId: String?
    /// The troubleshooting link newer gateways send.
    public let recommend: String?
    /// Server retry hint, in seconds, from `x-acs-retry-after` or `x-ratelimit-*` headers.
    public let retryAfter: Double?

    public init(
        status: Int, code: String, message: String, requestId: String? = nil, hostId: String? = nil,
        recommend: String? = nil, retryAfter: Double? = nil
    ) {
        self.status = status
        self.code = code
        self.message = APIError.sanitize(message)
        self.requestId = requestId
        self.hostId = hostId
        self.recommend = recommend
        self.retryAfter = retryAfter
    }

    public var category: Category {
        APIError.classify(code: code, status: status)
    }

    public var description: String {
        var text = "\(code) (HTTP \(status)): \(message)"
        if let requestId { text += " [RequestId \(requestId)]" }
        if let recommend { text += " see \(recommend)" }
        return text
    }

    /// The category of an error code and HTTP status.
    public static func classify(code: String, status: Int) -> Category {
        switch code {
        case "Throttling", "Throttling.User", "Throttling.Api":
            return .throttled
        case "ServiceUnavailable", "ServiceUnAvailable", "InternalError":
            return .serverError
        case "SignatureDoesNotMatch", "IncompleteSignature", "MissingSecurityToken", "Forbidden", "Forbidden.RAM",
            "OperationDenied", "OperationDenied.Suspended", "SignatureNonceUsed":
            return .authentication
        default:
            break
        }
        for prefix in ["InvalidAccessKeyId", "InvalidSecurityToken", "InvalidTimeStamp", "Forbidden"]
        where code.hasPrefix(prefix) {
            return .authentication
        }
        if code.hasPrefix("Throttling") { return .throttled }
        if status >= 500 { return .serverError }
        if status == 401 || status == 403 { return .authentication }
        return .request
    }

    /// Drops the server's echo of its string to sign, which can include a security token.
    static func sanitize(_ message: String) -> String {
        guard let range = message.firstRange(of: #/string to sign is/#.ignoresCase()) else { return message }
        return String(message[..<range.lowerBound]).trimmingWhitespace() + " [string to sign omitted]"
    }
}
