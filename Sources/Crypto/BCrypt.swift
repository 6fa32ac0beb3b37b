/// bcrypt password hashes (`$2a$`, `$2b$`, `$2y$`), as `htpasswd -B` and the exporter-toolkit
/// web configuration write them: `$2b$10$` + 22 characters of salt + 31 of hash.
public enum BCrypt {
    /// A hash that cannot be used, with the reason (never the hash itself, which is a secret).
    public struct FormatError: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { "not a bcrypt hash: \(reason)" }
    }

    /// A parsed hash: its variant (`2a`, `2b`, `2y`), cost, salt and digest.
    public struct Hash: Sendable, Equatable {
        public let variant: String
        /// log2 of the key schedule's rounds, 4 to 31.
        public let cost: Int
        let salt: [UInt8]
        let digest: [UInt8]

        /// Bytes that differ between any two different hashes (variant, cost, salt, digest), for
        /// keys of caches; hash them before keeping them.
        public var identity: [UInt8] { Array(variant.utf8) + [UInt8(cost)] + salt + digest }

        public init(parsing text: String) throws(FormatError) {
            let bytes = Array(text.utf8)
            guard bytes.count == 60 else { throw FormatError(reason: "60 characters expected, found \(bytes.count)") }
            guard bytes[0] == UInt8(ascii: "$"), bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$") else {
                throw FormatError(reason: "expected $2b$NN$ at the start")
            }
            let variant = String(decoding: bytes[1...2], as: UTF8.self)
            guard ["2a", "2b", "2y"].contains(variant) else { throw FormatError(reason: "unsupported variant $\(variant)$ (2a, 2b or 2y)") }
            guard let cost = Int(String(decoding: bytes[4...5], as: UTF8.self)), (4...31).contains(cost) else {
                throw FormatError(reason: "the cost must be 04 to 31")
            }
            guard let salt = BCryptBase64.decode(bytes[7..<29], count: 16), let digest = BCryptBase64.decode(bytes[29...], count: 23) else {
                throw FormatError(reason: "salt or hash is not in bcrypt's base64")
            }
            self.variant = variant
            self.cost = cost
            self.salt = salt
            self.digest = digest
        }
    }

    /// The longest password bcrypt reads: bytes beyond it would be ignored, so such passwords are
    /// refused instead of matching on their first 72 bytes.
    public static let maxPasswordBytes = 72

    /// Whether `password` matches `hash`, compared in constant time. Deliberately slow: the
    /// hash's cost sets the work (cost 10 is about 1,000 × 2 key expansions).
    public static func verify(_ password: some Collection<UInt8>, against hash: Hash) -> Bool {
        guard password.count <= maxPasswordBytes else { return false }
        return ConstantTime.equals(digest(password: Array(password), salt: hash.salt, cost: hash.cost), hash.digest)
    }

    /// The hash of `password` with `salt` (16 bytes) at `cost`, as text.
    public static func hash(_ password: some Collection<UInt8>, salt: [UInt8], cost: Int, variant: String = "2b") -> String {
        precondition(salt.count == 16 && (4...31).contains(cost) && password.count <= maxPasswordBytes, "bcrypt: 16-byte salt, cost 4-31, ≤ 72 bytes")
        let costText = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$\(variant)$\(costText)$" + BCryptBase64.encode(salt) + BCryptBase64.encode(digest(password: Array(password), salt: salt, cost: cost))
    }

    /// The 23 bytes bcrypt keeps of "OrpheanBeholderScryDoubt" encrypted 64 times.
    private static func digest(password: [UInt8], salt: [UInt8], cost: Int) -> [UInt8] {
        // The key is the password with its terminating NUL, at most 72 bytes.
        let cipher = Blowfish(cost: cost, salt: salt, key: Array((password + [0]).prefix(maxPasswordBytes)))
        let magic = Array("OrpheanBeholderScryDoubt".utf8)
        var words = stride(from: 0, to: magic.count, by: 4).map { index in
            magic[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
        for _ in 0..<64 { cipher.encrypt(&words) }
        let bytes = words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
        return Array(bytes.prefix(23))
    }
}

/// bcrypt's own base64: alphabet `./A–Za–z0–9`, no padding.
enum BCryptBase64 {
    private static let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let values: [UInt8: UInt8] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, UInt8($0)) })

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
            for position in 0...chunk.count {
                output.append(alphabet[Int((value >> (18 - 6 * position)) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The first `count` bytes that `text` encodes, or nil for a character outside the alphabet.
    static func decode(_ text: ArraySlice<UInt8>, count: Int) -> [UInt8]? {
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for character in text {
            guard let value = values[character] else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return output.count >= count ? Array(output.prefix(count)) : nil
    }
}
