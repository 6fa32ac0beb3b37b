/// The block compression of one hash algorithm: what differs between SHA-1 and SHA-256.
protocol BlockCompression: Sendable {
    associatedtype State: Sendable
    static var initialState: State { get }
    /// Mixes one 64-byte block into the state.
    static func compress(_ state: inout State, block: UnsafeRawBufferPointer)
    /// The big-endian digest bytes of the final state.
    static func digest(of state: State) -> [UInt8]
}

/// Buffering and padding shared by the 64-byte-block hashes (FIPS 180-4 §5.1.1):
/// append 0x80, zeros until the length is 56 mod 64, then the 64-bit big-endian bit length.
struct BlockHasher<Compression: BlockCompression>: Sendable {
    static var blockSize: Int { 64 }

    private var state = Compression.initialState
    private var pending: [UInt8] = []
    private var byteCount: UInt64 = 0

    init() {
        pending.reserveCapacity(64)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        byteCount &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            offset = take
            guard pending.count == 64 else { return }
            pending.withUnsafeBytes { Compression.compress(&state, block: $0) }
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= 64 {
            Compression.compress(&state, block: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 64]))
            offset += 64
        }
        if offset < bytes.count {
            pending.append(contentsOf: bytes[offset...])
        }
    }

    mutating func finalize() -> [UInt8] {
        let bitLength = byteCount &* 8
        var padding: [UInt8] = [0x80]
        let afterMarker = (pending.count + 1) % 64
        let zeros = afterMarker <= 56 ? 56 - afterMarker : 120 - afterMarker
        padding.append(contentsOf: repeatElement(0, count: zeros))
        for shift in stride(from: 56, through: 0, by: -8) {
            padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        padding.withUnsafeBytes { update($0) }
        precondition(pending.isEmpty, "padding must end on a block boundary")
        return Compression.digest(of: state)
    }
}

extension UnsafeRawBufferPointer {
    /// The big-endian 32-bit word at `wordIndex` (4-byte units).
    @inline(__always)
    func bigEndianWord(at wordIndex: Int) -> UInt32 {
        let base = wordIndex &* 4
        return UInt32(self[base]) << 24 | UInt32(self[base &+ 1]) << 16
            | UInt32(self[base &+ 2]) << 8 | UInt32(self[base &+ 3])
    }
}

extension Array where Element == UInt8 {
    /// Appends the big-endian bytes of each word.
    mutating func appendBigEndian(_ words: some Sequence<UInt32>) {
        for word in words {
            append(UInt8(truncatingIfNeeded: word >> 24))
            append(UInt8(truncatingIfNeeded: word >> 16))
            append(UInt8(truncatingIfNeeded: word >> 8))
            append(UInt8(truncatingIfNeeded: word))
        }
    }
}
