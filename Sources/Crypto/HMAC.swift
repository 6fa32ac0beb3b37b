/// HMAC (RFC 2104) over any ``HashFunction``.
public enum HMAC<Hash: HashFunction> {
    /// The authentication code of `message` under `key`.
    ///
    /// Keys longer than the block size are hashed first, then every key is zero-padded to the
    /// block size and mixed with the inner (0x36) and outer (0x5c) pads.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> [UInt8] {
        var keyBlock = Array(key)
        if keyBlock.count > Hash.blockSize {
            keyBlock = Hash.hash(keyBlock)
        }
        keyBlock.append(contentsOf: repeatElement(0, count: Hash.blockSize - keyBlock.count))

        var inner = Hash()
        inner.update(keyBlock.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()

        var outer = Hash()
        outer.update(keyBlock.map { $0 ^ 0x5C })
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// The authentication code of the UTF-8 bytes of `message` under the UTF-8 bytes of `key`.
    public static func authenticationCode(for message: String, key: String) -> [UInt8] {
        authenticationCode(for: Array(message.utf8), key: Array(key.utf8))
    }
}
