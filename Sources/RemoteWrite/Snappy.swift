/// Snappy's block format (no framing), which the Prometheus remote-write protocol requires for
/// its bodies: a compressor that finds repeats of 4 bytes or more within 64 KiB back, and a
/// strict decoder. Pure; tested against Python's cramjam.
public enum Snappy {
    /// A block that is not valid snappy, with where it went wrong.
    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { "not a snappy block: \(reason)" }
    }

    /// The compressed block of `input`.
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2 + 16)
        appendVarint(UInt64(input.count), to: &output)
        var table = [Int](repeating: -1, count: 1 << 14)
        var position = 0
        var literalStart = 0
        input.withUnsafeBufferPointer { bytes in
            func word(_ at: Int) -> UInt32 {
                UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            }
            while position + 4 <= bytes.count {
                let current = word(position)
                let slot = Int((current &* 0x1E35_A7BD) >> 18)
                let candidate = table[slot]
                table[slot] = position
                guard candidate >= 0, position - candidate <= 65_535, word(candidate) == current else {
                    position += 1
                    continue
                }
                appendLiteral(bytes[literalStart..<position], to: &output)
                var length = 4
                while position + length < bytes.count && bytes[candidate + length] == bytes[position + length] { length += 1 }
                appendCopy(offset: position - candidate, length: length, to: &output)
                position += length
                literalStart = position
            }
            appendLiteral(bytes[literalStart..<bytes.count], to: &output)
        }
        return output
    }

    /// The bytes a block stands for.
    public static func decompress(_ block: [UInt8], maxLength: Int = 64 << 20) throws(DecodeError) -> [UInt8] {
        var index = 0
        func byte() throws(DecodeError) -> UInt8 {
            guard index < block.count else { throw DecodeError(reason: "it ends inside an element") }
            defer { index += 1 }
            return block[index]
        }
        func littleEndian(_ count: Int) throws(DecodeError) -> Int {
            var value = 0
            for shift in 0..<count { value |= Int(try byte()) << (8 * shift) }
            return value
        }
        guard let length = readVarint(block, at: &index) else {
            throw DecodeError(reason: index >= block.count ? "it ends inside an element" : "the length is too long")
        }
        guard length <= UInt64(maxLength) else { throw DecodeError(reason: "it stands for \(length) bytes, over the limit of \(maxLength)") }
        var output: [UInt8] = []
        output.reserveCapacity(Int(length))
        while index < block.count {
            let tag = try byte()
            switch tag & 3 {
            case 0:
                var count = Int(tag >> 2) + 1
                if count > 60 { count = try littleEndian(count - 60) + 1 }
                guard count <= block.count - index, output.count + count <= Int(length) else { throw DecodeError(reason: "a literal runs past the end") }
                output.append(contentsOf: block[index..<(index + count)])
                index += count
            default:
                let count: Int, offset: Int
                switch tag & 3 {
                case 1:
                    count = Int((tag >> 2) & 7) + 4
                    offset = Int(tag >> 5) << 8 | Int(try byte())
                case 2:
                    count = Int(tag >> 2) + 1
                    offset = try littleEndian(2)
                default:
                    count = Int(tag >> 2) + 1
                    offset = try littleEndian(4)
                }
                guard offset > 0, offset <= output.count else { throw DecodeError(reason: "a copy reaches before the start") }
                guard output.count + count <= Int(length) else { throw DecodeError(reason: "a copy runs past the end") }
                // Byte by byte: a copy may overlap what it produces (a run).
                let start = output.count - offset
                for step in 0..<count { output.append(output[start + step]) }
            }
        }
        guard output.count == Int(length) else { throw DecodeError(reason: "it holds \(output.count) bytes, not the \(length) it announces") }
        return output
    }

    /// Reads a varint (the length preamble here; every integer in protobuf) at `index` and moves
    /// past it; nil when it runs past the end or over 64 bits.
    static func readVarint<Bytes: Collection<UInt8>>(_ bytes: Bytes, at index: inout Bytes.Index) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex, shift < 64 {
            let byte = bytes[index]
            index = bytes.index(after: index)
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    private static func appendLiteral(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, to output: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let count = bytes.count - 1
        if count < 60 {
            output.append(UInt8(count << 2))
        } else {
            let width = count < 1 << 8 ? 1 : count < 1 << 16 ? 2 : count < 1 << 24 ? 3 : 4
            output.append(UInt8((59 + width) << 2))
            for shift in 0..<width { output.append(UInt8(truncatingIfNeeded: count >> (8 * shift))) }
        }
        output.append(contentsOf: bytes)
    }

    /// Copies with a 2-byte offset, at most 64 bytes each.
    private static func appendCopy(offset: Int, length: Int, to output: inout [UInt8]) {
        var remaining = length
        while remaining > 0 {
            let count = min(remaining, 64)
            output.append(UInt8((count - 1) << 2 | 2))
            output.append(UInt8(truncatingIfNeeded: offset))
            output.append(UInt8(truncatingIfNeeded: offset >> 8))
            remaining -= count
        }
    }
}
