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

    private struct Version: Equatable {
        let device: UInt64, inode: UInt64, size: Int64, modifiedSeconds: Int, modifiedNanoseconds: Int
    }

    private struct Loaded {
        var version: Version?
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
        let now = Self.version(path)
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

    private static func version(_ path: String) -> Version? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Version(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                       modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }

    private static func load(_ path: String) throws(LoadError) -> (Version, WebConfiguration) {
        guard let version = version(path) else { throw LoadError(path: path, problem: String(cString: strerror(errno))) }
        guard version.size <= maxBytes else { throw LoadError(path: path, problem: "larger than 1 MiB") }
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
