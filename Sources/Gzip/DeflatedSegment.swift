import CZlib
import Primitives

/// A piece of a gzip body compressed on its own: raw deflate blocks that end on a byte boundary
/// (a full flush) without a final block, plus the CRC-32 and length of the input.
///
/// Because a full flush resets the compressor's history, segments compressed at different times
/// can be laid end to end inside one gzip member (see `GzipMember`). That is what lets a
/// snapshot compress its large static part once and add a small fresh part on every scrape.
public struct DeflatedSegment: Sendable {
    /// The deflate blocks.
    public let deflated: [UInt8]
    /// CRC-32 of the uncompressed input.
    public let crc: UInt32
    /// Length of the uncompressed input.
    public let inputLength: Int

    /// Compresses `input` (any contiguous bytes).
    /// - Parameter level: zlib level 1…9; 6 is zlib's default balance.
    public init(compressing input: ArraySlice<UInt8>, level: Int32 = 6) {
        precondition((1...9).contains(level), "zlib level is 1...9")
        var stream = z_stream()
        let status = czlib_deflate_init_raw(&stream, level)
        // Only memory exhaustion makes deflateInit fail; nothing sensible can continue then.
        precondition(status == Z_OK, "deflateInit2 failed with \(status)")
        defer { deflateEnd(&stream) }

        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 16)
        var produced = 0
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
                let flushStatus = output.withUnsafeMutableBufferPointer { target -> Int32 in
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = uInt(target.count - produced)
                    let status = deflate(&stream, Z_FULL_FLUSH)
                    produced = target.count - Int(stream.avail_out)
                    return status
                }
                precondition(flushStatus == Z_OK || flushStatus == Z_BUF_ERROR, "deflate failed with \(flushStatus)")
                // Done once all input is consumed and the flush did not fill the output.
                if stream.avail_in == 0 && produced < output.count { break }
            }
        }
        output.removeSubrange(produced...)
        deflated = output.compacted()  // the buffer was sized for incompressible input
        crc = input.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        inputLength = input.count
    }
}
