import Flags
import WebServer

/// The listener's flags (`--web.*`), validated into a server configuration.
public struct WebOptions: Sendable {
    /// The default port: outside the 9100–9999 range of the Prometheus wiki's "Default port
    /// allocations" (full since 2023) and not listed there.
    public static let defaultPort: UInt16 = 10790

    public static let definitions: [FlagDefinition] = [
        FlagDefinition("web.listen-address", default: ":\(defaultPort)", placeholder: "ADDRESS",
                       help: "Address to serve metrics on: :PORT (all interfaces, IPv6 and IPv4), HOST:PORT or [IPv6]:PORT."),
        FlagDefinition("web.telemetry-path", default: "/metrics", placeholder: "PATH", help: "Path under which metrics are served."),
        FlagDefinition("web.basic-auth.username", placeholder: "NAME",
                       help: "Require HTTP basic auth with this username (with --web.basic-auth.password-file); /-/healthy stays open."),
        FlagDefinition("web.basic-auth.password-file", placeholder: "PATH",
                       help: "File holding the basic-auth password (one trailing newline ignored); re-read when it changes."),
        FlagDefinition("web.max-connections", .integer, default: "2048", help: "Open connections beyond which new ones get 503."),
        FlagDefinition("web.read-header-timeout", .duration, default: "10s", help: "Time a client has to send a request head."),
        FlagDefinition("web.idle-timeout", .duration, default: "2m", help: "How long an idle keep-alive connection stays open."),
    ]

    public var server: HTTPServerConfiguration
    public var telemetryPath: String
    /// Username and password file, when basic auth is on.
    public var basicAuth: (username: String, passwordFile: String)?

    /// Reads and checks the web flags.
    public init(_ flags: FlagValues) throws(UsageError) {
        let addressText = flags.string("web.listen-address") ?? ""
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: addressText)
        } catch {
            throw UsageError("--web.listen-address: \(error.description)")
        }
        server = HTTPServerConfiguration(
            listenAddress: address,
            headTimeout: try flags.duration("web.read-header-timeout", atLeast: 0.1) ?? 10,
            idleTimeout: try flags.duration("web.idle-timeout", atLeast: 0.1) ?? 120,
            maxConnections: try flags.integer("web.max-connections", in: 1...1_000_000) ?? 2048)
        let path = flags.string("web.telemetry-path") ?? "/metrics"
        guard path.hasPrefix("/"), path.count > 1, !["/-/healthy", "/-/ready"].contains(path),
              path.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "?" && $0 != "#" }) else {
            throw flags.invalid("web.telemetry-path", path, expected: "a path like /metrics (not /, /-/healthy or /-/ready)")
        }
        telemetryPath = path
        switch (flags.string("web.basic-auth.username"), flags.string("web.basic-auth.password-file")) {
        case (nil, nil):
            basicAuth = nil
        case (let username?, let file?) where !username.isEmpty && !file.isEmpty:
            guard !username.contains(":") else { throw flags.invalid("web.basic-auth.username", username, expected: "a name without ':'") }
            basicAuth = (username, file)
        default:
            throw UsageError("--web.basic-auth.username and --web.basic-auth.password-file go together")
        }
    }
}
