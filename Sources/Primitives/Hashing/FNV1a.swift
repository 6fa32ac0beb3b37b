/// FNV-1a, 64 bits: a fast, stable (same on every machine and version) hash of text, for
/// spreading domains over shards and schedules and for deterministic simulated data.
/// Not for security.
public enum FNV1a {
    public static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
