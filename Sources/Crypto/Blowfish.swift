/// The Blowfish cipher as bcrypt uses it: the state (P-array and S-boxes), block encryption, and
/// the expensive key schedule ("EksBlowfish") whose cost is the point of bcrypt.
struct Blowfish {
    /// 18 subkeys, then the four S-boxes of 256 words (index 18 + 256 × box + byte).
    private var state: [UInt32]

    /// The initial state: pi's digits.
    init() {
        state = BlowfishTables.p + BlowfishTables.s
    }

    /// bcrypt's key setup: the salted key expansion, then 2^cost rounds of expanding with the
    /// key and with the salt alone.
    init(cost: Int, salt: [UInt8], key: [UInt8]) {
        precondition(salt.count == 16 && !key.isEmpty, "bcrypt takes a 16-byte salt and a non-empty key")
        self.init()
        expand(key: key, salt: salt)
        for _ in 0..<(1 << cost) {
            expand(key: key, salt: nil)
            expand(key: salt, salt: nil)
        }
    }

    /// Encrypts each 64-bit block (two words, big-endian halves) of `words` in place.
    func encrypt(_ words: inout [UInt32]) {
        state.withUnsafeBufferPointer { table in
            for index in stride(from: 0, to: words.count - 1, by: 2) {
                (words[index], words[index + 1]) = Self.encipher(words[index], words[index + 1], table)
            }
        }
    }

    private static func encipher(_ left: UInt32, _ right: UInt32, _ table: UnsafeBufferPointer<UInt32>) -> (UInt32, UInt32) {
        var left = left, right = right
        for round in 0..<16 {
            left ^= table[round]
            // F(x) = ((S0[a] + S1[b]) ^ S2[c]) + S3[d], with a…d the bytes of x from the top.
            let f = ((table[18 + Int(left >> 24)] &+ table[274 + Int((left >> 16) & 0xFF)]) ^ table[530 + Int((left >> 8) & 0xFF)])
                &+ table[786 + Int(left & 0xFF)]
            right ^= f
            swap(&left, &right)
        }
        return (right ^ table[17], left ^ table[16])
    }

    /// Mixes `key` into the subkeys, then re-encrypts the whole state, each block first XORed
    /// with the next 8 bytes of `salt` when there is one (cycling through it).
    private mutating func expand(key: [UInt8], salt: [UInt8]?) {
        var keyPosition = 0
        for index in 0..<18 {
            state[index] ^= Self.nextWord(key, &keyPosition)
        }
        var saltPosition = 0
        var left: UInt32 = 0, right: UInt32 = 0
        state.withUnsafeMutableBufferPointer { table in
            for index in stride(from: 0, to: table.count, by: 2) {
                if let salt {
                    left ^= Self.nextWord(salt, &saltPosition)
                    right ^= Self.nextWord(salt, &saltPosition)
                }
                (left, right) = Self.encipher(left, right, UnsafeBufferPointer(table))
                table[index] = left
                table[index + 1] = right
            }
        }
    }

    /// The next four bytes of `data` as a big-endian word, wrapping around at its end.
    private static func nextWord(_ data: [UInt8], _ position: inout Int) -> UInt32 {
        var word: UInt32 = 0
        for _ in 0..<4 {
            word = word << 8 | UInt32(data[position])
            position = (position + 1) % data.count
        }
        return word
    }
}
