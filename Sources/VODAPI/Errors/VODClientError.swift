import HTTPClient
/// Every way a ``VODClient`` call can fail. Descriptions are safe to log: they never contain
/// an access key secret, a security token or a signature.
public enum VODClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request broke a documented rule; nothing was sent.
    case invalidRequest(RequestValidationError)
    /// The API answered with an error.
    case api(action: String, APIError)
    /// No HTTP answer arrived.
    case transport(action: String, TransportError)
    /// The answer did not have the documented shape.
    case decoding(action: String, requestId: String?, ResponseDecodingError)
    /// No credentials could be obtained.
    case credentials(CredentialsError)

    public var description: String {
        switch self {
        case .invalidRequest(let error): return error.description
        case .api(let action, let error): return "\(action) failed: \(error)"
        case .transport(let action, let error): return "\(action) failed: \(error)"
        case .decoding(let action, let requestId, let error):
            return "\(action) returned \(error)" + (requestId.map { " [RequestId \($0)]" } ?? "")
        case .credentials(let error): return error.description
        }
    }

    /// The API error, if the server answered with one.
    public var apiError: APIError? {
        if case .api(_, let error) = self { return error }
        return nil
    }

    /// A short, bounded label for metrics: `ok` is never returned; one of `throttled`,
    /// `server_error`, `auth_error`, `request_error`, `transport_error`, `decode_error`,
    /// `invalid_request`, `credentials_error`.
    public var resultLabel: String {
        switch self {
        case .invalidRequest: "invalid_request"
        case .api(_, let error):
            switch error.category {
            case .throttled: "throttled"
            case .serverError: "server_error"
            case .authentication: "auth_error"
            case .request: "request_error"
            }
        case .transport: "transport_error"
        case .decoding: "decode_error"
        case .credentials: "credentials_error"
        }
    }
}
