import CZlib

/// Decompresses gzip data with zlib; used to verify bodies and by tools that read them.
public enum GzipDecoder {
    /// Why the data could not be decompressed.
    public struct Failure: Error, CustomStringConvertible {
        public let zlibStatus: Int32
        public var description: String { "gzip data is invalid (zlib status \(zlibStatus))" }
    }

    /// The decompressed bytes of every member in `data`.
    /// - Parameter limit: refuse output larger than this many bytes.
    public static func decompress(_ data: [UInt8], limit: Int = 256 << 20) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        var offset = 0
        while offset < data.count {
            var stream = z_stream()
            var status = czlib_inflate_init_gzip(&stream)
            guard status == Z_OK else { throw Failure(zlibStatus: status) }
            defer { inflateEnd(&stream) }
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            status = data.withUnsafeBufferPointer { source -> Int32 in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + offset)
                stream.avail_in = uInt(source.count - offset)
                while true {
                    let (result, produced) = chunk.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                        stream.next_out = target.baseAddress
                        stream.avail_out = uInt(target.count)
                        let result = inflate(&stream, Z_NO_FLUSH)
                        return (result, target.count - Int(stream.avail_out))
                    }
                    output.append(contentsOf: chunk[..<produced])
                    if output.count > limit { return Z_MEM_ERROR }
                    if result == Z_STREAM_END { return result }
                    if result != Z_OK { return result == Z_BUF_ERROR ? Z_DATA_ERROR : result }
                }
            }
            guard status == Z_STREAM_END else { throw Failure(zlibStatus: status) }
            offset = data.count - Int(stream.avail_in)
        }
        return output
    }
}
