import Exposition
import Logging
import MetricsServing
import VODAPI
import WebServer

/// The listener with its routes, built from the web flags: the piece every long-running
/// command (the agent, the demo) serves its metrics through.
public struct MetricsEndpoint: Sendable {
    public let server: HTTPServer
    public let options: WebOptions

    /// - Parameters:
    ///   - readiness: answers `/-/ready` (ready, or why not).
    /// - Throws: `PasswordFile.LoadError` when basic auth is on and its file cannot be read.
    public init(options: WebOptions, publisher: MetricsPublisher, readiness: @escaping @Sendable () -> (ready: Bool, reason: String), logger: Logger) throws(PasswordFile.LoadError) {
        var authenticator: @Sendable () -> BasicAuthenticator? = { nil }
        if let auth = options.basicAuth {
            let file = try PasswordFile(path: auth.passwordFile, username: auth.username, logger: logger)
            authenticator = { file.authenticator() }
        }
        let router = MetricsRouter(
            telemetryPath: options.telemetryPath,
            landingPage: LandingPage.html(name: "vodcdn-exporter", version: ProductVersion.version, telemetryPath: options.telemetryPath),
            readiness: readiness, authenticator: authenticator,
            metrics: { publisher.body(format: $0, gzip: $1) })
        server = HTTPServer(configuration: options.server, handler: router, logger: logger.with("component", "web"))
        self.options = options
    }
}
