import RemoteWrite

/// Reads a remote-write body back into samples, for receivers in tests: snappy, then the
/// protobuf walked field by field (written apart from the encoder; Python's protobuf checks both).
public enum WriteRequestDecoder {
    /// One decoded sample: its labels (`__name__` included) and value at a time in milliseconds.
    public struct Sample: Sendable, Equatable {
        public let labels: [String: String]
        public let value: Double
        public let timestampMilliseconds: Int64
    }

    public struct Malformed: Error {}

    /// The samples of a snappy-compressed WriteRequest.
    public static func samples(body: [UInt8]) throws -> [Sample] {
        try samples(protobuf: Snappy.decompress(body))
    }

    /// The samples of a WriteRequest's protobuf bytes.
    public static func samples(protobuf: [UInt8]) throws -> [Sample] {
        var result: [Sample] = []
        for (field, series) in try fields(protobuf[...]) where field.number == 1 {
            var labels: [String: String] = [:]
            var points: [(Double, Int64)] = []
            for (inner, bytes) in try fields(series) {
                switch inner.number {
                case 1:
                    var name = "", value = ""
                    for (part, text) in try fields(bytes) {
                        if part.number == 1 { name = String(decoding: text, as: UTF8.self) }
                        if part.number == 2 { value = String(decoding: text, as: UTF8.self) }
                    }
                    labels[name] = value
                case 2:
                    var value = 0.0, timestamp: Int64 = 0
                    for (part, raw) in try fields(bytes) {
                        if part.number == 1 { value = Double(bitPattern: raw.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }) }
                        if part.number == 2 { timestamp = Int64(bitPattern: part.varint) }
                    }
                    points.append((value, timestamp))
                default:
                    break
                }
            }
            result += points.map { Sample(labels: labels, value: $0.0, timestampMilliseconds: $0.1) }
        }
        return result
    }

    private struct Key {
        let number: Int
        let varint: UInt64
    }

    /// Each field of a message: its number, and its bytes (length-delimited and 64-bit fields)
    /// or its varint.
    private static func fields(_ bytes: ArraySlice<UInt8>) throws -> [(Key, ArraySlice<UInt8>)] {
        var index = bytes.startIndex
        func varint() throws -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while index < bytes.endIndex {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
                if shift > 63 { throw Malformed() }
            }
            throw Malformed()
        }
        var fields: [(Key, ArraySlice<UInt8>)] = []
        while index < bytes.endIndex {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0:
                fields.append((Key(number: number, varint: try varint()), bytes[index..<index]))
            case 1:
                guard bytes.endIndex - index >= 8 else { throw Malformed() }
                fields.append((Key(number: number, varint: 0), bytes[index..<(index + 8)]))
                index += 8
            case 2:
                let length = Int(try varint())
                guard length <= bytes.endIndex - index else { throw Malformed() }
                fields.append((Key(number: number, varint: 0), bytes[index..<(index + length)]))
                index += length
            default:
                throw Malformed()
            }
        }
        return fields
    }
}
