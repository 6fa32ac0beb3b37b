import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The basic-auth password kept in a file (`--web.basic-auth.password-file`), re-read when the
/// file changes, so a rotated secret applies without a restart.
///
/// The file holds the password alone; one trailing newline is ignored. If a later read fails
/// or finds the file empty, the last good password stays in force and a warning is logged.
public final class PasswordFile: Sendable {
    /// Why the password file cannot be used at startup.
    public struct LoadError: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let problem: String
        public var description: String { "basic-auth password file \(path): \(problem)" }
    }

    private struct Version: Equatable {
        let device: UInt64, inode: UInt64, size: Int64, modifiedSeconds: Int, modifiedNanoseconds: Int
    }

    private struct Loaded {
        var version: Version
        var authenticator: BasicAuthenticator
    }

    public let path: String
    private let username: String
    private let logger: Logger
    private let loaded: Mutex<Loaded>

    /// Reads the file once.
    /// - Throws: `LoadError` when it cannot be read or is empty.
    public init(path: String, username: String, logger: Logger = .disabled) throws(LoadError) {
        self.path = path
        self.username = username
        self.logger = logger
        let (version, password) = try Self.read(path)
        loaded = Mutex(Loaded(version: version, authenticator: BasicAuthenticator(username: username, password: password)))
    }

    /// The check for the password in force now (re-reading the file if it changed).
    public func authenticator() -> BasicAuthenticator {
        let known = loaded.withLock { $0.version }
        guard let current = Self.version(path), current != known else {
            return loaded.withLock { $0.authenticator }
        }
        do {
            let (version, password) = try Self.read(path)
            let authenticator = BasicAuthenticator(username: username, password: password)
            loaded.withLock { $0 = Loaded(version: version, authenticator: authenticator) }
            logger.info("basic-auth password file changed; new password in force", ["path": path])
            return authenticator
        } catch {
            // Remember the failed version so the warning is logged once per change.
            let authenticator = loaded.withLock { loaded -> BasicAuthenticator in
                loaded.version = current
                return loaded.authenticator
            }
            logger.warn("keeping the previous basic-auth password", ["error": error.description])
            return authenticator
        }
    }

    private static func version(_ path: String) -> Version? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Version(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                       modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }

    private static func read(_ path: String) throws(LoadError) -> (Version, String) {
        guard let version = version(path) else { throw LoadError(path: path, problem: String(cString: strerror(errno))) }
        guard version.size <= 4096 else { throw LoadError(path: path, problem: "larger than 4 KiB; it should hold only the password") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LoadError(path: path, problem: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4097)
        var count = 0
        while count < bytes.count {
            let result = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if result < 0 && errno == EINTR { continue }
            guard result >= 0 else { throw LoadError(path: path, problem: String(cString: strerror(errno))) }
            if result == 0 { break }
            count += result
        }
        var password = bytes[..<count]
        if password.last == UInt8(ascii: "\n") { password = password.dropLast() }
        if password.last == UInt8(ascii: "\r") { password = password.dropLast() }
        guard !password.isEmpty else { throw LoadError(path: path, problem: "empty") }
        return (version, String(decoding: password, as: UTF8.self))
    }
}
