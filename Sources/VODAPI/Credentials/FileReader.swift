import Foundation

/// Reads small text files (credential files, token files); injected so tests need no disk.
public protocol FileReader: Sendable {
    /// The file's text, or nil when it does not exist.
    /// - Throws: when it exists but cannot be read.
    func readText(_ path: String) throws -> String?
}

/// Reads from the local file system.
public struct LocalFileReader: FileReader {
    public init() {}

    public func readText(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return String(decoding: data, as: UTF8.self)
    }
}
