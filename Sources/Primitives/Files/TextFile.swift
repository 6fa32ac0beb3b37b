#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes small text files with the C library, so that a failure reads in plain
/// words ("No such file or directory"), as the operator needs it, with the path it concerns.
public enum TextFile {
    /// Why a file could not be read or written: the path and the reason in plain words.
    public struct FileError: Error, Equatable, CustomStringConvertible {
        public enum Action: String, Sendable {
            case read, write
        }

        public let action: Action
        public let path: String
        public let reason: String
        public var description: String { "cannot \(action.rawValue) \(path): \(reason)" }

        public init(_ action: Action, path: String, reason: String) {
            self.action = action
            self.path = path
            self.reason = reason
        }
    }

    /// The whole file as UTF-8 text (invalid bytes replaced).
    /// - Parameter maxBytes: larger files are refused unread.
    public static func read(_ path: String, maxBytes: Int = 16 << 20) throws(FileError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(.read, path: path, reason: errnoText()) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileError(.read, path: path, reason: errnoText()) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw FileError(.read, path: path, reason: "it is a directory") }
        if Int(status.st_size) > maxBytes { throw FileError(.read, path: path, reason: "larger than \(maxBytes) bytes") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(.read, path: path, reason: errnoText())
            }
            if count == 0 { break }
            bytes += chunk[..<count]
            if bytes.count > maxBytes { throw FileError(.read, path: path, reason: "larger than \(maxBytes) bytes") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to `path`, replacing what was there (created with mode 0644).
    public static func write(_ text: String, to path: String) throws(FileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(.write, path: path, reason: errnoText()) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = errnoText()
                close(descriptor)
                throw FileError(.write, path: path, reason: reason)
            }
            written += count
        }
        guard close(descriptor) == 0 else { throw FileError(.write, path: path, reason: errnoText()) }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
