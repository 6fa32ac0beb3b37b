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
        String(decoding: try readBytes(path, maxBytes: maxBytes), as: UTF8.self)
    }

    /// The whole file's bytes.
    /// - Parameter maxBytes: larger files are refused unread.
    public static func readBytes(_ path: String, maxBytes: Int = 16 << 20) throws(FileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(.read, path: path, reason: errnoText()) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileError(.read, path: path, reason: errnoText()) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw FileError(.read, path: path, reason: "it is a directory") }
        if Int(status.st_size) > maxBytes { throw FileError(.read, path: path, reason: "larger than \(maxBytes) bytes") }
        switch DescriptorIO.readAll(descriptor, maxBytes: maxBytes) {
        case .success(let bytes): return bytes
        case .failure(.system(let code)): throw FileError(.read, path: path, reason: errnoText(code))
        case .failure(.tooLarge): throw FileError(.read, path: path, reason: "larger than \(maxBytes) bytes")
        }
    }

    /// Writes `text` to `path`, replacing what was there (created with mode 0644).
    public static func write(_ text: String, to path: String) throws(FileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(.write, path: path, reason: errnoText()) }
        if let code = DescriptorIO.writeAll(Array(text.utf8), to: descriptor) {
            close(descriptor)
            throw FileError(.write, path: path, reason: errnoText(code))
        }
        guard close(descriptor) == 0 else { throw FileError(.write, path: path, reason: errnoText()) }
    }

    private static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
