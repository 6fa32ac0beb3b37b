/// Where API requests go: scheme, host and optional port, parsed and checked once.
///
/// HTTPS is the default and the only scheme allowed for remote hosts; plain `http://` is
/// accepted for loopback addresses (tests, the simulator) or when explicitly allowed.
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    /// The production endpoint: every VOD CDN operation is served from China (Shanghai).
    public static let vodDefault = try! Endpoint(parsing: "https://vod.cn-shanghai.aliyuncs.com")

    public let scheme: String
    public let host: String
    public let port: Int?

    /// Parses `https://host[:port]` (a trailing `/` is allowed; no path, query or user info).
    /// - Throws: ``EndpointError`` describing what is wrong with `text`.
    public init(parsing given: String, allowInsecureHTTP: Bool = false) throws(EndpointError) {
        // Errors quote the text, but never user info: it may hold a secret.
        let text = Endpoint.withoutUserInfo(given)
        var rest = Substring(given.trimmingWhitespace())
        let scheme: String
        if rest.hasPrefix("https://") {
            scheme = "https"
        } else if rest.hasPrefix("http://") {
            scheme = "http"
        } else {
            throw EndpointError(text: text, problem: "must start with https:// (or http:// for a loopback address)")
        }
        rest = rest.dropFirst(scheme.count + 3)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty else { throw EndpointError(text: text, problem: "has no host") }
        guard !rest.contains("@") else {
            throw EndpointError(text: text, problem: "must not carry user info (credentials come from the credential chain)")
        }
        guard !rest.contains("/"), !rest.contains("?"), !rest.contains("#") else {
            throw EndpointError(text: text, problem: "must be scheme://host[:port] without path, query or user")
        }
        var host = String(rest)
        var port: Int?
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            let portText = rest[rest.index(after: colon)...]
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw EndpointError(text: text, problem: "has an invalid port '\(portText)'")
            }
            // A default port is dropped so the signed host matches the Host header sent.
            port = (scheme == "https" && value == 443) || (scheme == "http" && value == 80) ? nil : value
            host = String(rest[..<colon])
        }
        guard !host.isEmpty,
            host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw EndpointError(text: text, problem: "has an invalid host") }
        if scheme == "http" && !allowInsecureHTTP && !Endpoint.isLoopback(host) {
            throw EndpointError(text: text, problem: "uses plain http:// for a non-loopback host; use https://")
        }
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// The value of the `Host` header (and the `host` signed in V3): host plus any port.
    public var hostHeader: String {
        port.map { "\(host):\($0)" } ?? host
    }

    /// `scheme://host[:port]`.
    public var description: String {
        "\(scheme)://\(hostHeader)"
    }

    /// The URL of `path` (starting with `/`) with an already-encoded query.
    public func url(path: String = "/", encodedQuery: String) -> String {
        encodedQuery.isEmpty ? "\(description)\(path)" : "\(description)\(path)?\(encodedQuery)"
    }

    /// `text` with any user info of its authority (`user:secret@`) replaced by `<user info>@`.
    static func withoutUserInfo(_ text: String) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else {
            return text.contains("@") ? "<user info>@" + text[text.index(after: text.lastIndex(of: "@")!)...] : text
        }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<authorityStart]) + "<user info>" + String(text[at...])
    }

    /// Whether `host` names this machine: `localhost`, 127.0.0.0/8 or `[::1]`.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "[::1]"
    }
}

/// An endpoint URL that cannot be used.
public struct EndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let problem: String

    public var description: String {
        "endpoint '\(text)' \(problem)"
    }
}
