/// Where the listener binds, parsed from `--web.listen-address`.
///
/// `:PORT` binds every interface (IPv6 and IPv4 on one dual-stack socket, IPv4 alone where the
/// host has no IPv6), `HOST:PORT` a name or IPv4 address, `[V6]:PORT` an IPv6 address.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host, or nil for every interface. IPv6 addresses are stored without brackets.
    public let host: String?
    public let port: UInt16

    public init(host: String?, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// A listen address that cannot be used, with the reason.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public let problem: String
        public var description: String { "invalid listen address \"\(text)\": \(problem) (expected :PORT, HOST:PORT or [IPv6]:PORT)" }
    }

    /// Parses `:PORT`, `HOST:PORT` or `[V6]:PORT`.
    public init(parsing text: String) throws(ParseError) {
        func fail(_ problem: String) -> ParseError { ParseError(text: text, problem: problem) }
        guard let colon = text.lastIndex(of: ":") else { throw fail("no port") }
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber), let port = UInt16(portText) else {
            throw fail("the port must be a number from 0 to 65535")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw fail("unbalanced [ ] around an IPv6 address") }
            host = String(host.dropFirst().dropLast())
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" || $0.isLetter || $0.isNumber }) else {
                throw fail("not an IPv6 address")
            }
        } else if host.contains(":") {
            throw fail("IPv6 addresses need brackets, as in [::1]:\(port)")
        } else if host.contains(where: { $0 == " " || $0 == "/" || $0 == "[" || $0 == "]" }) {
            throw fail("not a host name or address")
        }
        self.host = host.isEmpty ? nil : host
        self.port = port
    }

    public var description: String {
        guard let host else { return ":\(port)" }
        return "\(Self.bracketed(host)):\(port)"
    }

    /// The host to put in a URL that reaches this listener from this machine: IPv6 addresses
    /// in brackets, and loopback for every interface.
    public var urlHost: String {
        host.map(Self.bracketed) ?? "127.0.0.1"
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }
}
