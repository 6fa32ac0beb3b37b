import Logging
import Primitives
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The web configuration file (`--web.config.file`), re-read when it changes (checked on each
/// request, as the exporter-toolkit does), so new settings and rotated passwords apply without a
/// restart. A file that breaks later keeps the last good configuration in force, logs why once per
/// change and reports the failure (``reloadStatus``).
public final class WebConfigurationFile: Sendable {
    /// Why the file cannot be used at start.
    public struct LoadError: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let problem: String
        public var description: String { "web configuration file \(path): \(problem)" }
    }

    /// Whether the last read of the file succeeded, and when the last one that did happened.
    public struct ReloadStatus: Sendable, Equatable {
        public var successful: Bool
        public var lastSuccess: Double
    }

    private struct Loaded {
        var version: FileVersion?
        var configuration: WebConfiguration
        var status: ReloadStatus
    }

    /// Inline certificates and keys make a file longer than a password, not longer than this.
    static let maxBytes = 1 << 20

    public let path: String
    private let logger: Logger
    private let clock: @Sendable () -> Double
    private let loaded: Mutex<Loaded>

    /// Reads the file once; it must be readable and valid.
    public init(path: String, logger: Logger = .disabled, clock: @escaping @Sendable () -> Double = { Double(time(nil)) }) throws(LoadError) {
        self.path = path
        self.logger = logger
        self.clock = clock
        let (version, configuration) = try Self.load(path)
        loaded = Mutex(Loaded(version: version, configuration: configuration, status: ReloadStatus(successful: true, lastSuccess: clock())))
    }

    /// The configuration in force now, re-reading the file if it changed.
    public func current() -> WebConfiguration {
        let (known, configuration) = loaded.withLock { ($0.version, $0.configuration) }
        let now = FileVersion.of(path)
        guard now != known else { return configuration }
        do {
            let (version, fresh) = try Self.load(path)
            loaded.withLock { $0 = Loaded(version: version, configuration: fresh, status: ReloadStatus(successful: true, lastSuccess: clock())) }
            logger.info("web configuration file changed; new settings in force", ["path": path])
            return fresh
        } catch {
            // Remember the broken version so the error is logged once per change.
            loaded.withLock {
                $0.version = now
                $0.status.successful = false
            }
            logger.error("web configuration file cannot be used; keeping the previous settings", ["error": error.description])
            return configuration
        }
    }

    /// The result of the latest read.
    public var reloadStatus: ReloadStatus {
        loaded.withLock { $0.status }
    }

    private static func load(_ path: String) throws(LoadError) -> (FileVersion, WebConfiguration) {
        guard let version = FileVersion.of(path) else { throw LoadError(path: path, problem: String(cString: strerror(errno))) }
        guard version.byteCount <= maxBytes else { throw LoadError(path: path, problem: "larger than 1 MiB") }
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw LoadError(path: path, problem: error.description)
        }
        do {
            return (version, try WebConfiguration(parsing: text, directory: Directory.parent(of: path)))
        } catch {
            throw LoadError(path: path, problem: error.description)
        }
    }
}
