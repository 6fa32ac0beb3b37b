import TestSupport
import Foundation
import Primitives
import Testing
@testable import Crypto

@Suite("SHA-1, SHA-256 and HMAC")
struct CryptoTests {
    static let millionA = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)

    @Test("SHA-1 FIPS 180 / RFC 3174 vectors", arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "a49b2446a02c645bf419f995b67091253a04a259"),
    ])
    func sha1Vectors(message: String, digest: String) {
        #expect(Hex.lowercase(SHA1.hash(message)) == digest)
    }

    @Test("SHA-256 FIPS 180 / RFC 6234 vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func sha256Vectors(message: String, digest: String) {
        #expect(Hex.lowercase(SHA256.hash(message)) == digest)
    }

    @Test("one million 'a' bytes")
    func millionBytes() {
        #expect(Hex.lowercase(SHA1.hash(Self.millionA)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(Hex.lowercase(SHA256.hash(Self.millionA)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("incremental updates in odd pieces give the one-shot digest")
    func incrementalUpdates() {
        var generator = SeededGenerator(seed: 7)
        let message = generator.bytes(1000)
        for pieceSize in [1, 3, 55, 63, 64, 65, 200] {
            var sha1 = SHA1(), sha256 = SHA256()
            var index = 0
            while index < message.count {
                let piece = message[index..<min(index + pieceSize, message.count)]
                sha1.update(piece)
                sha256.update(piece)
                index += pieceSize
            }
            #expect(sha1.finalize() == SHA1.hash(message), "piece size \(pieceSize)")
            #expect(sha256.finalize() == SHA256.hash(message), "piece size \(pieceSize)")
        }
    }

    static let rfc2202: [([UInt8], [UInt8], String)] = [
        ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8), "b617318655057264e28bc0b6fb378c8ef146be00"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        ([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
        (Array(1...25), [UInt8](repeating: 0xCD, count: 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
        ([UInt8](repeating: 0x0C, count: 20), Array("Test With Truncation".utf8), "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
        ([UInt8](repeating: 0xAA, count: 80), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
        ([UInt8](repeating: 0xAA, count: 80),
         Array("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data".utf8),
         "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
    ]

    @Test("HMAC-SHA1 RFC 2202 cases 1-7", arguments: rfc2202)
    func hmacSHA1(key: [UInt8], message: [UInt8], expected: String) {
        #expect(Hex.lowercase(HMAC<SHA1>.authenticationCode(for: message, key: key)) == expected)
    }

    static let rfc4231: [([UInt8], [UInt8], String)] = [
        ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xCD, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xAA, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test("HMAC-SHA256 RFC 4231 cases 1-4, 6, 7", arguments: rfc4231)
    func hmacSHA256(key: [UInt8], message: [UInt8], expected: String) {
        #expect(Hex.lowercase(HMAC<SHA256>.authenticationCode(for: message, key: key)) == expected)
    }

    /// Block-edge lengths and random inputs, compared with Python's hashlib and hmac.
    @Test("agrees with Python hashlib at every block edge, on random inputs and on 1,000,000 random bytes")
    func agreesWithPython() throws {
        var generator = SeededGenerator(seed: 20_261_125)
        var inputs: [[UInt8]] = [0, 1, 3, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000].map { generator.bytes($0) }
        for _ in 0..<20 { inputs.append(generator.bytes(Int.random(in: 0...600, using: &generator))) }
        inputs.append(generator.bytes(1_000_000))
        let keys = inputs.indices.map { generator.bytes([0, 5, 64, 65, 200][$0 % 5]) }
        let script = """
            import sys, hashlib, hmac
            for line in sys.stdin.read().split():
                key, msg = (bytes.fromhex(part) for part in line.split(':'))
                print(hashlib.sha1(msg).hexdigest(), hashlib.sha256(msg).hexdigest(),
                      hmac.new(key, msg, hashlib.sha1).hexdigest(), hmac.new(key, msg, hashlib.sha256).hexdigest())
            """
        // One `key:message` line per case, in hex; an empty part is simply empty beside the colon.
        let lines = zip(keys, inputs).map { "\(Hex.lowercase($0)):\(Hex.lowercase($1))" }.joined(separator: "\n")
        let output = try ExternalTool.run("python3", ["-c", script], input: Array(lines.utf8))
        let rows = output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        try #require(rows.count == inputs.count)
        for (index, row) in rows.enumerated() {
            let message = inputs[index], key = keys[index]
            #expect(row[0] == Hex.lowercase(SHA1.hash(message)), "SHA-1 of \(message.count) bytes")
            #expect(row[1] == Hex.lowercase(SHA256.hash(message)), "SHA-256 of \(message.count) bytes")
            #expect(row[2] == Hex.lowercase(HMAC<SHA1>.authenticationCode(for: message, key: key)), "HMAC-SHA1 of \(message.count) bytes")
            #expect(row[3] == Hex.lowercase(HMAC<SHA256>.authenticationCode(for: message, key: key)), "HMAC-SHA256 of \(message.count) bytes")
        }
    }

    @Test("constant-time comparison")
    func constantTime() {
        #expect(ConstantTime.equals(Array("secret".utf8), Array("secret".utf8)))
        #expect(!ConstantTime.equals(Array("secret".utf8), Array("secreT".utf8)))
        #expect(!ConstantTime.equals(Array("secret".utf8), Array("secret!".utf8)))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
    }
}
