import Logging
import Primitives
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The TLS context in force: rebuilt when the web configuration's `tls_server_config` or one of
/// its files (certificate, key, client CA) changes, so a renewed certificate is used by the next
/// connection without a restart. A change that cannot be used keeps the previous context, with
/// one log line per change, and says so in ``status`` (for the metrics and an alert).
public final class TLSContextSource: Sendable {
    /// Whether the latest change could be used, when the last one that could was, and when the
    /// certificate in force expires.
    public struct Status: Sendable, Equatable {
        public var successful: Bool
        public var lastSuccess: Double
        public var notAfter: Double?
    }

    private struct Built {
        var settings: WebConfiguration.TLS
        var versions: [FileVersion?]
        var context: TLSContext
        var status: Status
    }

    private let settings: @Sendable () -> WebConfiguration.TLS?
    private let logger: Logger
    private let clock: @Sendable () -> Double
    private let built: Mutex<Built>

    /// Builds the first context from `settings()`, which must have TLS settings.
    /// - Parameter clock: wall-clock seconds, for the status.
    /// - Throws: `TLSContext.SetupError` when it cannot be built: the listener must not start.
    public init(settings: @escaping @Sendable () -> WebConfiguration.TLS?, logger: Logger = .disabled,
                clock: @escaping @Sendable () -> Double = { Double(time(nil)) }) throws(TLSContext.SetupError) {
        guard let first = settings() else { throw TLSContext.SetupError(description: "no tls_server_config") }
        self.settings = settings
        self.logger = logger
        self.clock = clock
        let context = try TLSContext(first)
        built = Mutex(Built(settings: first, versions: Self.versions(first), context: context,
                            status: Status(successful: true, lastSuccess: clock(), notAfter: context.notAfter)))
    }

    /// The outcome of the latest change (checked when a connection asks for the context, and
    /// here: a scrape of the metrics sees a broken renewal even before the next connection).
    public var status: Status {
        _ = current()
        return built.withLock { $0.status }
    }

    /// The context for a new connection.
    public func current() -> TLSContext {
        let (known, context) = built.withLock { ($0, $0.context) }
        // TLS cannot be switched off while running: the listener's scheme is fixed at start.
        let wanted = settings() ?? known.settings
        let versions = Self.versions(wanted)
        guard wanted != known.settings || versions != known.versions else { return context }
        do {
            let fresh = try TLSContext(wanted)
            let status = Status(successful: true, lastSuccess: clock(), notAfter: fresh.notAfter)
            built.withLock { $0 = Built(settings: wanted, versions: versions, context: fresh, status: status) }
            logger.info("TLS settings or certificate files changed; new connections use them")
            return fresh
        } catch {
            built.withLock {
                $0.settings = wanted
                $0.versions = versions
                $0.status.successful = false
            }
            logger.error("TLS settings or certificate files cannot be used; keeping the previous ones", ["error": error.description])
            return context
        }
    }

    private static func versions(_ settings: WebConfiguration.TLS) -> [FileVersion?] {
        [settings.certificate, settings.key, settings.clientCA].map { source in
            if case .file(let path)? = source { return FileVersion.of(path) }
            return nil
        }
    }
}
