/// SHA-1 (FIPS 180-4, RFC 3174). Used only inside HMAC-SHA1 for Alibaba's V2 signatures,
/// where its collision weakness does not matter.
public struct SHA1: HashFunction {
    public static var blockSize: Int { 64 }
    public static var digestSize: Int { 20 }

    private var hasher = BlockHasher<Compression>()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bytes)
    }

    public mutating func finalize() -> [UInt8] {
        hasher.finalize()
    }

    struct Compression: BlockCompression {
        struct State: Sendable {
            var h0: UInt32 = 0x6745_2301
            var h1: UInt32 = 0xEFCD_AB89
            var h2: UInt32 = 0x98BA_DCFE
            var h3: UInt32 = 0x1032_5476
            var h4: UInt32 = 0xC3D2_E1F0
        }

        static var initialState: State { State() }

        static func compress(_ state: inout State, block: UnsafeRawBufferPointer) {
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
                for t in 0..<16 {
                    w[t] = block.bigEndianWord(at: t)
                }
                for t in 16..<80 {
                    w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotatedLeft(by: 1)
                }
                var a = state.h0, b = state.h1, c = state.h2, d = state.h3, e = state.h4
                for t in 0..<80 {
                    let f: UInt32
                    let k: UInt32
                    switch t {
                    case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                    case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                    case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                    default: f = b ^ c ^ d; k = 0xCA62_C1D6
                    }
                    let temp = a.rotatedLeft(by: 5) &+ f &+ e &+ k &+ w[t]
                    e = d
                    d = c
                    c = b.rotatedLeft(by: 30)
                    b = a
                    a = temp
                }
                state.h0 &+= a
                state.h1 &+= b
                state.h2 &+= c
                state.h3 &+= d
                state.h4 &+= e
            }
        }

        static func digest(of state: State) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(20)
            out.appendBigEndian([state.h0, state.h1, state.h2, state.h3, state.h4])
            return out
        }
    }
}

extension UInt32 {
    @inline(__always)
    func rotatedLeft(by count: UInt32) -> UInt32 {
        (self << count) | (self >> (32 - count))
    }

    @inline(__always)
    func rotatedRight(by count: UInt32) -> UInt32 {
        (self >> count) | (self << (32 - count))
    }
}
