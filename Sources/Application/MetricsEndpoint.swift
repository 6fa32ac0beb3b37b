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
        let monotonic: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        let refusals = RefusalCounter(logger: logger.with("component", "web"), clock: monotonic)
        var tlsStatus: (@Sendable () -> TLSContextSource.Status)?
        var file: WebConfigurationFile?
        if let path = options.configFile {
            let loaded: WebConfigurationFile
            do {
                loaded = try WebConfigurationFile(path: path, logger: logger.with("component", "web"))
            } catch {
                throw SetupError(description: error.description)
            }
            file = loaded
            if loaded.current().tls != nil {
                let source: TLSContextSource
                do {
                    source = try TLSContextSource(settings: { loaded.current().tls }, logger: logger.with("component", "web"))
                } catch {
                    throw SetupError(description: "web configuration file \(path): tls_server_config: \(error.description)")
                }
                configuration.tls = { source.current() }
                tlsStatus = { source.status }
            }
            access = AccessControl(configuration: { loaded.current() }, protectsProbes: options.protectsProbes, clock: monotonic, refusals: refusals)
        }
        let configFile = file
        let webFamilies: @Sendable () -> [MetricFamily] = { [tlsStatus] in
            Self.families(configFile?.reloadStatus, tls: tlsStatus?(), refused: refusals.totals)
        }
        let router = MetricsRouter(
            telemetryPath: options.telemetryPath,
            landingPage: LandingPage.html(name: "vodcdn-exporter", version: ProductVersion.version, telemetryPath: options.telemetryPath),
            readiness: readiness, access: access,
            metrics: { [webFamilies] in publisher.body(format: $0, gzip: $1, extra: webFamilies()) })
        server = HTTPServer(configuration: configuration, handler: router, logger: logger.with("component", "web"), refusals: refusals)
        self.options = options
        servesTLS = configuration.tls != nil
    }

    /// The listener's own families: what it refused, by reason; with a web configuration file,
    /// whether its last read worked; with TLS, whether the certificate files last loaded and
    /// when the certificate expires.
    static func families(_ status: WebConfigurationFile.ReloadStatus?, tls: TLSContextSource.Status?,
                         refused: [RefusalCounter.Reason: UInt64]) -> [MetricFamily] {
        var families: [MetricFamily] = [
            .builtIn(name: "aliyun_vod_exporter_web_refused_total", type: .counter,
                     help: "Connections and requests the listener turned away, by reason: connection_limit (503), over_capacity and per_client_limit (closed at once), handshake_timeout, handshake_failed, client_certificate, plain_http (400), unauthorized (401), rate_limited (429), auth_busy (503).",
                     series: RefusalCounter.Reason.allCases.sorted().map { Series(["reason": $0.rawValue], Double(refused[$0] ?? 0)) }),
        ]
        // A reload's outcome: whether the last one worked, and when the last good one was.
        func reload(_ prefix: String, successful: Bool, lastSuccess: Double, what: String, kept: String) -> [MetricFamily] {
            [.single(name: "\(prefix)_last_reload_successful", type: .gauge, help: "Whether \(what) last loaded successfully (0: \(kept) stay in force).",
                     value: successful ? 1 : 0),
             .single(name: "\(prefix)_last_reload_success_timestamp_seconds", type: .gauge, help: "When \(what) last loaded successfully.", value: lastSuccess)]
        }
        if let status {
            families += reload("aliyun_vod_exporter_web_config", successful: status.successful, lastSuccess: status.lastSuccess,
                               what: "--web.config.file", kept: "the previous settings")
        }
        if let tls {
            families += reload("aliyun_vod_exporter_tls", successful: tls.successful, lastSuccess: tls.lastSuccess,
                               what: "the TLS certificate, key and client CA files", kept: "the previous ones")
            if let notAfter = tls.notAfter {
                families.append(.single(name: "aliyun_vod_exporter_tls_certificate_expiry_timestamp_seconds", type: .gauge,
                                        help: "When the TLS certificate in force expires.", value: notAfter))
            }
        }
        return families
    }
}
