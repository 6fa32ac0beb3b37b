#if canImport(Glibc)
import Glibc
#endif

/// The process's standard input, output and error through the C library.
public enum StandardStreams {
    /// Writes `text` to standard error at once (unbuffered), all of it.
    public static func writeError(_ text: String) {
        _ = DescriptorIO.writeAll(Array(text.utf8), to: STDERR_FILENO)  // nowhere to report a failure
    }

    /// Standard input read to its end, as UTF-8 text (invalid bytes replaced).
    public static func readInput() -> String {
        // A failed read ends the input, as end of file does.
        let bytes = (try? DescriptorIO.readAll(STDIN_FILENO).get()) ?? []
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
