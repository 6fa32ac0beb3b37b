/// A request that got no HTTP answer.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, and so whether the server may have seen the request.
    public enum Kind: String, Sendable {
        /// No connection was made (refused, DNS failure, unreachable): the request was not sent.
        case connectFailed
        /// No answer before the deadline: the request may have been processed.
        case timedOut
        /// The connection broke after it was made: the request may have been processed.
        case connectionLost
        /// The answer exceeded the response size cap.
        case responseTooLarge
        /// The request could not be built (bad URL).
        case invalidRequest
        /// The caller cancelled.
        case cancelled
        /// No HTTP client could be loaded (libcurl is missing): nothing was sent.
        case clientUnavailable
        /// Anything else (TLS, protocol errors).
        case other
    }

    public let kind: Kind
    public let detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Whether the server may have received (and acted on) the request.
    public var mayHaveReachedServer: Bool {
        switch kind {
        case .connectFailed, .invalidRequest, .clientUnavailable: false
        case .timedOut, .connectionLost, .responseTooLarge, .cancelled, .other: true
        }
    }

    public var description: String {
        "\(kind.rawValue): \(detail)"
    }
}
