import Logging
import Primitives
import Synchronization

/// The TLS context in force: rebuilt when the web configuration's `tls_server_config` or one of
/// its files (certificate, key, client CA) changes, so a renewed certificate is used by the next
/// connection without a restart. A change that cannot be used keeps the previous context, with
/// one log line per change.
public final class TLSContextSource: Sendable {
    private struct Built {
        var settings: WebConfiguration.TLS
        var versions: [FileVersion?]
        var context: TLSContext
    }

    private let settings: @Sendable () -> WebConfiguration.TLS?
    private let logger: Logger
    private let built: Mutex<Built>

    /// Builds the first context from `settings()`, which must have TLS settings.
    /// - Throws: `TLSContext.SetupError` when it cannot be built: the listener must not start.
    public init(settings: @escaping @Sendable () -> WebConfiguration.TLS?, logger: Logger = .disabled) throws(TLSContext.SetupError) {
        guard let first = settings() else { throw TLSContext.SetupError(description: "no tls_server_config") }
        self.settings = settings
        self.logger = logger
        built = Mutex(Built(settings: first, versions: Self.versions(first), context: try TLSContext(first)))
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
            built.withLock { $0 = Built(settings: wanted, versions: versions, context: fresh) }
            logger.info("TLS settings or certificate files changed; new connections use them")
            return fresh
        } catch {
            built.withLock {
                $0.settings = wanted
                $0.versions = versions
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
