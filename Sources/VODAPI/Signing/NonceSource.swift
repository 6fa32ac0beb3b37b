import Primitives

/// Signature nonces: a random version-4 UUID per request, from the system's random source. A
/// request is never signed with a nonce that is not random: without randomness, signing fails.
public struct NonceSource: Sendable {
    private let randomBytes: @Sendable (Int) throws(SystemRandom.Unavailable) -> [UInt8]

    /// The system's random source.
    public static let system = NonceSource(randomBytes: SystemRandom.bytes)

    /// - Parameter randomBytes: `count` random bytes, or the reason there are none (injected in tests).
    public init(randomBytes: @escaping @Sendable (Int) throws(SystemRandom.Unavailable) -> [UInt8]) {
        self.randomBytes = randomBytes
    }

    /// A fresh nonce, such as `6f1c0a52-94d3-4b7e-8f0e-3a9d5c2b1e47`.
    /// - Throws: `SystemRandom.Unavailable` when no random bytes come, or only zeros (a source
    ///   that is not random: 16 zero bytes by chance has a probability of 2⁻¹²⁸).
    public func next() throws(SystemRandom.Unavailable) -> String {
        var bytes = try randomBytes(16)
        guard bytes.count == 16, bytes.contains(where: { $0 != 0 }) else {
            throw SystemRandom.Unavailable(description: "the system's random source gave no random bytes")
        }
        bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 4122 variant
        let hex = Hex.lowercase(bytes)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
        }
        return parts.joined(separator: "-")
    }
}
