import Dispatch
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
    /// Whether the listener speaks HTTPS (`tls_server_config` in the web configuration file).
    public let servesTLS: Bool

    /// Why the listener cannot be set up as the flags ask.
    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameters:
    ///   - readiness: answers `/-/ready` (ready, or why not).
    /// - Throws: `SetupError` when the web configuration file cannot be read, or its TLS
    ///   settings cannot be used (OpenSSL missing, unreadable or mismatched certificate and key).
    public init(options: WebOptions, publisher: MetricsPublisher, readiness: @escaping @Sendable () -> (ready: Bool, reason: String),
                logger: Logger) throws(SetupError) {
        var access = AccessControl.open
        var configuration = options.server
        var webFamilies: @Sendable () -> [MetricFamily] = { [] }
        if let path = options.configFile {
            let file: WebConfigurationFile
            do {
                file = try WebConfigurationFile(path: path, logger: logger.with("component", "web"))
            } catch {
                throw SetupError(description: error.description)
            }
            if file.current().tls != nil {
                let source: TLSContextSource
                do {
                    source = try TLSContextSource(settings: { file.current().tls }, logger: logger.with("component", "web"))
                } catch {
                    throw SetupError(description: "web configuration file \(path): tls_server_config: \(error.description)")
                }
                configuration.tls = { source.current() }
            }
            access = AccessControl(configuration: { file.current() }, protectsProbes: options.protectsProbes,
                                   clock: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 })
            webFamilies = { Self.families(file.reloadStatus) }
        }
        let router = MetricsRouter(
            telemetryPath: options.telemetryPath,
            landingPage: LandingPage.html(name: "vodcdn-exporter", version: ProductVersion.version, telemetryPath: options.telemetryPath),
            readiness: readiness, access: access,
            metrics: { [webFamilies] in publisher.body(format: $0, gzip: $1, extra: webFamilies()) })
        server = HTTPServer(configuration: configuration, handler: router, logger: logger.with("component", "web"))
        self.options = options
        servesTLS = configuration.tls != nil
    }

    /// Whether the web configuration file's last read worked, and when the last good one was.
    static func families(_ status: WebConfigurationFile.ReloadStatus) -> [MetricFamily] {
        [
            .single(name: "aliyun_vod_exporter_web_config_last_reload_successful", type: .gauge,
                    help: "Whether the last read of --web.config.file succeeded (0: the previous settings stay in force).",
                    value: status.successful ? 1 : 0),
            .single(name: "aliyun_vod_exporter_web_config_last_reload_success_timestamp_seconds", type: .gauge,
                    help: "When --web.config.file was last read successfully.", value: status.lastSuccess),
        ]
    }
}
