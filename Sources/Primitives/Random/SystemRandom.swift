import Glibc

/// Bytes from the kernel's random source (`getentropy(3)`, the `getrandom` system call: no
/// `/dev/urandom` needed, so it works in a bare chroot). Nonces come from here, never from a
/// fallback.
public enum SystemRandom {
    /// The kernel gave no random bytes.
    public struct Unavailable: Error, Equatable, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// `count` random bytes.
    /// - Throws: `Unavailable` when the kernel refuses (no `getrandom`, or a system-call filter).
    public static func bytes(_ count: Int) throws(Unavailable) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            // getentropy gives at most 256 bytes a call, and all of them or an error.
            let chunk = min(256, count - filled)
            let status = bytes.withUnsafeMutableBytes { buffer in getentropy(buffer.baseAddress! + filled, chunk) }
            guard status == 0 else {
                throw Unavailable(description: "the system's random source is unavailable (getrandom: \(String(cString: strerror(errno))))")
            }
            filled += chunk
        }
        return bytes
    }
}
