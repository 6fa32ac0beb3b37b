#if canImport(Glibc)
import Glibc
#endif

/// Whole reads and writes on a file descriptor: partial transfers resumed, interrupted calls
/// retried. Files, standard streams, the state file and the log sink share them.
public enum DescriptorIO {
    /// Why a read stopped.
    public enum ReadFailure: Error, Equatable {
        /// The system call failed with this `errno`.
        case system(Int32)
        /// More than the allowed bytes arrived.
        case tooLarge
    }

    /// Writes every byte of `bytes` to `descriptor`.
    /// - Returns: nil when everything was written, else the `errno` of the write that failed.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return errno }
            written += count
        }
        return nil
    }

    /// Reads `descriptor` to its end.
    /// - Parameter maxBytes: stop with ``ReadFailure/tooLarge`` past this many bytes.
    public static func readAll(_ descriptor: Int32, maxBytes: Int = .max) -> Result<[UInt8], ReadFailure> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.system(errno))
            }
            if count == 0 { return .success(bytes) }
            bytes += chunk[..<count]
            if bytes.count > maxBytes { return .failure(.tooLarge) }
        }
    }
}
