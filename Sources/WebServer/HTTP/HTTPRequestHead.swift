import Primitives

/// The HTTP versions the listener speaks.
public enum HTTPVersion: String, Sendable, Equatable {
    case http10 = "HTTP/1.0"
    case http11 = "HTTP/1.1"
}

/// A parsed request line and header block.
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method token as sent (methods are case-sensitive).
    public let method: String
    /// The request target as sent (origin form, or the path of an absolute-form target).
    public let target: String
    public let version: HTTPVersion
    /// Header fields in order, names lower-cased, values without surrounding blanks.
    public let headers: [(name: String, value: String)]
    /// Bytes of body that follow the head (`Content-Length`; within the parse limits).
    public internal(set) var contentLength: Int

    public init(method: String, target: String, version: HTTPVersion, headers: [(name: String, value: String)], contentLength: Int = 0) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.contentLength = contentLength
    }

    /// The query string (after `?`), or empty.
    public var query: String {
        guard let question = target.firstIndex(of: "?") else { return "" }
        return String(target[target.index(after: question)...])
    }

    /// The target without its query string.
    public var path: String {
        guard let question = target.firstIndex(of: "?") else { return target }
        return String(target[..<question])
    }

    /// The first value of header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// Whether the connection may serve another request after this one: HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var shouldKeepAlive: Bool {
        let tokens = headers.filter { $0.name == "connection" }
            .flatMap { $0.value.lowercased().split(separator: ",").map { $0.trimmingWhitespace() } }
        switch version {
        case .http11: return !tokens.contains("close")
        case .http10: return tokens.contains("keep-alive") && !tokens.contains("close")
        }
    }

    public static func == (lhs: HTTPRequestHead, rhs: HTTPRequestHead) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version && lhs.contentLength == rhs.contentLength
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}
