@testable import Crypto
import Primitives
import Testing
import TestSupport

/// bcrypt against published vectors (pyca/bcrypt's test suite, which carries OpenBSD's and
/// Openwall's) and against Python's `bcrypt` package as an independent implementation.
@Suite struct BCryptTests {
    /// (password, expected hash): the salt and cost are the hash's own.
    static let vectors: [([UInt8], String)] = [
        (Array("Kk4DQuMMfZL9o".utf8), "$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm"),
        (Array("9IeRXmnGxMYbs".utf8), "$2b$04$pQ7gRO7e6wx/936oXhNjrOUNOHL1D0h1N2IDbJZYs.1ppzSof6SPy"),
        (Array("J8eHUDuxBB520".utf8), "$2b$04$VvlCUKbTMjaxaYJ.k5juoecpG/7IzcH1AkmqKi.lIZMVIOLClWAk."),
        (Array("U*U".utf8), "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
        (Array("U*U*".utf8), "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"),
        (Array("U*U*U".utf8), "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"),
        ([0xA3], "$2a$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"),
        ([0xA3], "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"),
        ([0xFF, 0xFF, 0xA3], "$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"),
        // 72 bytes with a NUL inside (bcrypt reads past it: the key is the bytes, not a C string).
        ([0x67, 0x37, 0x0D, 0x01, 0xF3, 0xD4, 0xD0, 0xA9, 0x4A, 0x42, 0x5E, 0x18, 0x00, 0x37, 0x50, 0xB2, 0x4E, 0xC7, 0x1C, 0xEE,
          0x87, 0x26, 0x83, 0x43, 0x8B, 0xE8, 0x18, 0xC5, 0x3E, 0x86, 0x14, 0x2F, 0xD6, 0xCC, 0x1C, 0x4A, 0xDE, 0xD7, 0x69, 0x78,
          0xEB, 0xDE, 0x4F, 0xEF, 0xE1, 0x69, 0xAC, 0xCB, 0x03, 0x96, 0x76, 0x31, 0x27, 0x20, 0xD6, 0x40, 0x2E, 0x6D, 0xA5, 0x21,
          0xA0, 0xEF, 0xC0, 0x28],
         "$2a$04$tecY.9ylRInW/rAAzXCXPOOlyYeCNzmNTzPDNSIFztFMKbvs/s5XG"),
    ]

    @Test func publishedVectors() throws {
        for (password, text) in Self.vectors {
            let hash = try BCrypt.Hash(parsing: text)
            #expect(BCrypt.verify(password, against: hash), "\(text)")
            #expect(!BCrypt.verify(password + [0x61], against: hash))
            // Hashing again with the vector's salt and cost gives the same text.
            let salt = Array(text.utf8.dropFirst(7).prefix(22))
            #expect(BCrypt.hash(password, salt: try #require(Self.decodeSalt(salt)), cost: hash.cost, variant: hash.variant) == text)
        }
    }

    @Test func wrongPasswordsAndLongOnes() throws {
        let hash = try BCrypt.Hash(parsing: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")
        #expect(!BCrypt.verify(Array("U*u".utf8), against: hash))
        #expect(!BCrypt.verify([UInt8](), against: hash))
        // Past 72 bytes bcrypt would ignore the rest; such passwords never match.
        let long = [UInt8](repeating: 0x61, count: 72)
        let longHash = try BCrypt.Hash(parsing: BCrypt.hash(long, salt: [UInt8](repeating: 7, count: 16), cost: 4))
        #expect(BCrypt.verify(long, against: longHash))
        #expect(!BCrypt.verify(long + [0x62], against: longHash))
    }

    @Test(arguments: [
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe", "60 characters expected, found 59"),
        ("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "unsupported variant $2x$ (2a, 2b or 2y)"),
        ("$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "the cost must be 04 to 31"),
        ("$2a$32$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "the cost must be 04 to 31"),
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC!E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "salt or hash is not in bcrypt's base64"),
        ("2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW$", "expected $2b$NN$ at the start"),
    ])
    func malformedHashes(text: String, reason: String) {
        #expect(throws: BCrypt.FormatError(reason: reason)) { try BCrypt.Hash(parsing: text) }
    }

    /// Random passwords (0–72 bytes, any byte but NUL, as Python's bcrypt takes them) hashed by
    /// Python's `bcrypt` with its own random salts: each hash must verify here, and hashing the same
    /// password and salt here must give Python's text.
    @Test func agreesWithPythonBcrypt() throws {
        var generator = SeededGenerator(seed: 20_261_130)
        let passwords = (0..<24).map { index in
            (0..<[0, 1, 7, 8, 55, 71, 72][index % 7]).map { _ in UInt8.random(in: 1...255, using: &generator) }
        }
        let script = """
            import sys, bcrypt
            for line in sys.stdin.read().split("\\n"):
                if line == "": continue
                cost, password = line.split(":")
                print(bcrypt.hashpw(bytes.fromhex(password), bcrypt.gensalt(rounds=int(cost))).decode())
            """
        let lines = passwords.enumerated().map { "\($0.offset % 3 == 0 ? 5 : 4):\(Hex.lowercase($0.element))" }.joined(separator: "\n") + "\n"
        let hashes = try ExternalTool.run("python3", ["-c", script], input: Array(lines.utf8)).split(separator: "\n").map(String.init)
        try #require(hashes.count == passwords.count)
        for (password, text) in zip(passwords, hashes) {
            let hash = try BCrypt.Hash(parsing: text)
            #expect(BCrypt.verify(password, against: hash), "\(text)")
            #expect(!BCrypt.verify(password + [0x21], against: hash) || password.count >= 72)
            let salt = try #require(Self.decodeSalt(Array(text.utf8.dropFirst(7).prefix(22))))
            #expect(BCrypt.hash(password, salt: salt, cost: hash.cost, variant: hash.variant) == text)
        }
    }

    /// Blowfish's tables are pi's digits as the generator computes them, not a copy.
    @Test func blowfishTablesAreGenerated() throws {
        let script = String(#filePath.split(separator: "/").dropLast(3).joined(separator: "/")) + "/scripts/generate-blowfish-tables"
        let outcome = try ExternalTool.outcome("python3", ["/" + script, "--check"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
    }

    /// The 16 salt bytes of 22 characters of bcrypt's base64, through a hash built around them.
    static func decodeSalt(_ characters: [UInt8]) -> [UInt8]? {
        let text = "$2b$04$" + String(decoding: characters, as: UTF8.self) + String(repeating: ".", count: 31)
        return (try? BCrypt.Hash(parsing: text))?.salt
    }
}
