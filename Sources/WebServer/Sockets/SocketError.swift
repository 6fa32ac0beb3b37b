#if canImport(Glibc)
import Glibc
#endif

/// A failed socket system call, with `errno` captured right after the call.
public struct SocketError: Error, Equatable, CustomStringConvertible {
    /// The call that failed (`bind`, `listen`…), with the address where it helps.
    public let operation: String
    public let code: Int32

    public init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// Captures the current `errno`.
    static func current(_ operation: String) -> SocketError {
        SocketError(operation, code: errno)
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
    }
}
