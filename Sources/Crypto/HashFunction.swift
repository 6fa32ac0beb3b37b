/// A cryptographic hash with the Merkle–Damgård shape used by SHA-1 and SHA-256:
/// 64-byte blocks, incremental updates, one final digest.
public protocol HashFunction: Sendable {
    /// Bytes per compression block (64 for SHA-1 and SHA-256); HMAC pads keys to this size.
    static var blockSize: Int { get }
    /// Bytes in the final digest.
    static var digestSize: Int { get }
    /// A fresh hasher with the algorithm's initial state.
    init()
    /// Absorbs more input.
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// Pads, finishes and returns the digest. The hasher must not be used afterwards.
    mutating func finalize() -> [UInt8]
}

extension HashFunction {
    /// Absorbs more input from any contiguous byte collection.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = Self()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of the UTF-8 bytes of `string`.
    public static func hash(_ string: String) -> [UInt8] {
        hash(Array(string.utf8))
    }
}
