#if canImport(Glibc)
import Glibc
#endif

/// The process's standard input, output and error through the C library.
public enum StandardStreams {
    /// Writes `text` to standard error at once (unbuffered), all of it.
    public static func writeError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Standard input read to its end, as UTF-8 text (invalid bytes replaced).
    public static func readInput() -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the descriptor (0, 1 or 2) is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) != 0
    }

    /// Writes out what `print` has buffered (every C stream, standard output included).
    public static func flushOutput() {
        fflush(nil)
    }
}
