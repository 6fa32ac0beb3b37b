import CZlib

/// Lays `DeflatedSegment`s end to end as one gzip member (RFC 1952): header, the segments'
/// blocks, an empty final block, then the combined CRC-32 and length.
public enum GzipMember {
    /// The fixed 10-byte header: magic, deflate, no flags, no mtime, OS = Unix.
    public static let header: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]

    /// An empty final block (BFINAL=1, fixed Huffman, end-of-block), as zlib writes it.
    static let finalBlock: [UInt8] = [0x03, 0x00]

    /// The 10 bytes that close a member holding `segments`: the final block, CRC-32 and length.
    public static func trailer(for segments: [DeflatedSegment]) -> [UInt8] {
        var crc: uLong = 0
        var length = 0
        for segment in segments {
            crc = crc32_combine(crc, uLong(segment.crc), off_t(segment.inputLength))
            length += segment.inputLength
        }
        var bytes = finalBlock
        for value in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: length)] {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        return bytes
    }

    /// One complete gzip member for `input`.
    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        let segment = DeflatedSegment(compressing: input[...], level: level)
        return header + segment.deflated + trailer(for: [segment])
    }
}
