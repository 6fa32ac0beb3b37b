import Flags
import Primitives
import WebServer

/// The listener's flags (`--web.*`), validated into a server configuration.
public struct WebOptions: Sendable {
    /// The default port: outside the 9100–9999 range of the Prometheus wiki's "Default port
    /// allocations" (full since 2023) and not listed there.
    public static let defaultPort: UInt16 = 10790

    static let listenAddress = Flag.string("web.listen-address", default: ":\(defaultPort)", placeholder: "ADDRESS",
        help: "Address to serve metrics on: :PORT (all interfaces, IPv6 and IPv4), HOST:PORT or [IPv6]:PORT.")
    static let telemetryPath = Flag.string("web.telemetry-path", default: "/metrics", placeholder: "PATH", help: "Path under which metrics are served.")
    static let configFile = Flag.optionalString("web.config.file", placeholder: "PATH",
        help: "Web configuration file in the exporter-toolkit format shared by Prometheus exporters: basic_auth_users (bcrypt), http_server_config.headers, rate_limit, tls_server_config; re-read when it changes.")
    static let protectProbes = Flag.boolean("web.config.protect-probes", default: false,
        help: "Require the web configuration's basic auth on /-/healthy and /-/ready too (probes then need credentials).")
    static let removedUsername = RemovedFlag("web.basic-auth.username",
        instead: "use --web.config.file with basic_auth_users (a bcrypt hash: htpasswd -nBC 10 USER); see the README")
    static let removedPasswordFile = RemovedFlag("web.basic-auth.password-file",
        instead: "use --web.config.file with basic_auth_users (a bcrypt hash: htpasswd -nBC 10 USER); see the README")
    static let maxConnections = Flag.integer("web.max-connections", default: 2048, in: 1...1_000_000,
        help: "Open connections beyond which new ones get 503.")
    static let maxConnectionsPerClient = Flag.integer("web.max-connections-per-client", default: 256, in: 1...1_000_000,
        help: "Open connections from one address beyond which new ones from it are closed at once (one client cannot take every slot).")
    static let headTimeout = Flag.duration("web.read-header-timeout", default: 10, atLeast: 0.1, help: "Time a client has to send a request head.")
    static let handshakeTimeout = Flag.duration("web.tls-handshake-timeout", default: 5, atLeast: 0.1,
        help: "Time a client has to finish the TLS handshake (at most --web.read-header-timeout).")
    static let idleTimeout = Flag.duration("web.idle-timeout", default: 120, atLeast: 0.1, help: "How long an idle keep-alive connection stays open.")

    /// The listener's flags, in `--help` order.
    public static let flags: [any FlagDeclaration] = [
        listenAddress, telemetryPath, configFile, protectProbes, maxConnections, maxConnectionsPerClient, headTimeout, handshakeTimeout, idleTimeout,
        removedUsername, removedPasswordFile,
    ]

    public var server: HTTPServerConfiguration
    public var telemetryPath: String
    /// The web configuration file (TLS, basic auth, headers, rate limit), when one is given.
    public var configFile: String?
    /// Whether the health probes need the configured credentials too.
    public var protectsProbes: Bool

    /// Reads and checks the web flags.
    public init(_ flags: FlagValues) throws(UsageError) {
        let addressText = try flags.value(Self.listenAddress)
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: addressText)
        } catch {
            throw UsageError("--web.listen-address: \(error.description)")
        }
        let headTimeout = try flags.value(Self.headTimeout)
        let handshakeTimeout = try flags.value(Self.handshakeTimeout)
        if handshakeTimeout > headTimeout {
            throw flags.invalid(Self.handshakeTimeout, DurationText.format(handshakeTimeout), expected: "at most --web.read-header-timeout (\(DurationText.format(headTimeout)))")
        }
        server = HTTPServerConfiguration(
            listenAddress: address, headTimeout: headTimeout, idleTimeout: try flags.value(Self.idleTimeout),
            maxConnections: try flags.value(Self.maxConnections), maxConnectionsPerClient: try flags.value(Self.maxConnectionsPerClient),
            handshakeTimeout: handshakeTimeout)
        let path = try flags.value(Self.telemetryPath)
        guard path.hasPrefix("/"), path.count > 1, !["/-/healthy", "/-/ready"].contains(path),
              path.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "?" && $0 != "#" }) else {
            throw flags.invalid(Self.telemetryPath, path, expected: "a path like /metrics (not /, /-/healthy or /-/ready)")
        }
        telemetryPath = path
        // Empty is the flag's default, as in every exporter: no web configuration.
        configFile = try flags.value(Self.configFile).flatMap { $0.isEmpty ? nil : $0 }
        protectsProbes = try flags.value(Self.protectProbes)
    }
}
