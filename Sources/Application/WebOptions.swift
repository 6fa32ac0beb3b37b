import Flags
import WebServer

/// The listener's flags (`--web.*`), validated into a server configuration.
public struct WebOptions: Sendable {
    /// The default port: outside the 9100–9999 range of the Prometheus wiki's "Default port
    /// allocations" (full since 2023) and not listed there.
    public static let defaultPort: UInt16 = 10790

    static let listenAddress = Flag.string("web.listen-address", default: ":\(defaultPort)", placeholder: "ADDRESS",
        help: "Address to serve metrics on: :PORT (all interfaces, IPv6 and IPv4), HOST:PORT or [IPv6]:PORT.")
    static let telemetryPath = Flag.string("web.telemetry-path", default: "/metrics", placeholder: "PATH", help: "Path under which metrics are served.")
    static let username = Flag.optionalString("web.basic-auth.username", placeholder: "NAME",
        help: "Require HTTP basic auth with this username (with --web.basic-auth.password-file); /-/healthy stays open.")
    static let passwordFile = Flag.optionalString("web.basic-auth.password-file", placeholder: "PATH",
        help: "File holding the basic-auth password (one trailing newline ignored); re-read when it changes.")
    static let maxConnections = Flag.integer("web.max-connections", default: 2048, in: 1...1_000_000,
        help: "Open connections beyond which new ones get 503.")
    static let headTimeout = Flag.duration("web.read-header-timeout", default: 10, atLeast: 0.1, help: "Time a client has to send a request head.")
    static let idleTimeout = Flag.duration("web.idle-timeout", default: 120, atLeast: 0.1, help: "How long an idle keep-alive connection stays open.")

    /// The listener's flags, in `--help` order.
    public static let flags: [any FlagDeclaration] = [
        listenAddress, telemetryPath, username, passwordFile, maxConnections, headTimeout, idleTimeout,
    ]

    public var server: HTTPServerConfiguration
    public var telemetryPath: String
    /// Username and password file, when basic auth is on.
    public var basicAuth: (username: String, passwordFile: String)?

    /// Reads and checks the web flags.
    public init(_ flags: FlagValues) throws(UsageError) {
        let addressText = try flags.value(Self.listenAddress)
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: addressText)
        } catch {
            throw UsageError("--web.listen-address: \(error.description)")
        }
        server = HTTPServerConfiguration(
            listenAddress: address, headTimeout: try flags.value(Self.headTimeout), idleTimeout: try flags.value(Self.idleTimeout),
            maxConnections: try flags.value(Self.maxConnections))
        let path = try flags.value(Self.telemetryPath)
        guard path.hasPrefix("/"), path.count > 1, !["/-/healthy", "/-/ready"].contains(path),
              path.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "?" && $0 != "#" }) else {
            throw flags.invalid(Self.telemetryPath, path, expected: "a path like /metrics (not /, /-/healthy or /-/ready)")
        }
        telemetryPath = path
        switch (try flags.value(Self.username), try flags.value(Self.passwordFile)) {
        case (nil, nil):
            basicAuth = nil
        case (let username?, let file?) where !username.isEmpty && !file.isEmpty:
            guard !username.contains(":") else { throw flags.invalid(Self.username, username, expected: "a name without ':'") }
            basicAuth = (username, file)
        default:
            throw UsageError("--web.basic-auth.username and --web.basic-auth.password-file go together")
        }
    }
}
