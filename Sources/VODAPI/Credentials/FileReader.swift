import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// Reads small text files (credential files, token files); injected so tests need no disk.
public protocol FileReader: Sendable {
    /// The file's text, or nil when it does not exist.
    /// - Throws: when it exists but cannot be read.
    func readText(_ path: String) throws -> String?
}

/// Reads from the local file system, through the same reader as every other file the product
/// reads (its errors are plain words with the path).
public struct LocalFileReader: FileReader {
    public init() {}

    public func readText(_ path: String) throws -> String? {
        guard access(path, F_OK) == 0 else { return nil }
        return try TextFile.read(path)
    }
}
