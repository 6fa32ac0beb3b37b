import Primitives
import TestSupport
import Testing
@testable import VODAPI

@Suite("Percent-encoding, hex and UTC timestamps")
struct EncodingTests {
    @Test("unreserved characters stay literal, everything else is %XX upper-case", arguments: [
        ("AZaz09-_.~", "AZaz09-_.~"),
        (" ", "%20"),
        ("*", "%2A"),
        ("+", "%2B"),
        ("/", "%2F"),
        (",", "%2C"),
        (":", "%3A"),
        ("=", "%3D"),
        ("&", "%26"),
        ("\n", "%0A"),
        ("%", "%25"),
        ("视频", "%E8%A7%86%E9%A2%91"),
        ("a b*c~d", "a%20b%2Ac~d"),
    ])
    func encoding(input: String, expected: String) {
        #expect(PercentEncoding.encode(input) == expected)
    }

    @Test("decoding reverses encoding for every byte value")
    func roundTrip() {
        let every = String(decoding: (0...127).map { UInt8($0) }, as: UTF8.self) + "视频é"
        #expect(PercentEncoding.decode(PercentEncoding.encode(every)) == every)
        #expect(PercentEncoding.decode("a+b", plusAsSpace: true) == "a b")
        #expect(PercentEncoding.decode("a+b") == "a+b")
        #expect(PercentEncoding.decode("%zz") == nil)
        #expect(PercentEncoding.decode("%4") == nil)
        #expect(PercentEncoding.decode("%FF") == nil, "not UTF-8")
    }

    @Test("canonical query sorts by encoded key bytes")
    func canonicalQuery() {
        let query = PercentEncoding.canonicalQuery(["b": "2", "a": "x y", "B": "3", "a.b": "", "_": "u"])
        #expect(query == "B=3&_=u&a=x%20y&a.b=&b=2")
    }

    @Test("query and form pairs parse, with + as space only in forms")
    func parsePairs() throws {
        let pairs = try #require(PercentEncoding.parsePairs("a=1&b=x+y&c=&d&e=%2A", plusAsSpace: true))
        #expect(pairs.map(\.key) == ["a", "b", "c", "d", "e"])
        #expect(pairs.map(\.value) == ["1", "x y", "", "", "*"])
        #expect(PercentEncoding.parsePairs("a=%G1", plusAsSpace: false) == nil)
    }

    @Test("hex round trip and rejection")
    func hex() {
        #expect(Hex.lowercase([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.bytes("00abFF") == [0x00, 0xAB, 0xFF])
        #expect(Hex.bytes("abc") == nil)
        #expect(Hex.bytes("zz") == nil)
    }

    @Test("UTC timestamps format and parse", arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (Int64(1_714_564_800), "2024-05-01T12:00:00Z"),
        (Int64(951_782_400), "2000-02-29T00:00:00Z"),
        (Int64(4_102_444_799), "2099-12-31T23:59:59Z"),
        (Int64(-86_400), "1969-12-31T00:00:00Z"),
    ])
    func timestamps(seconds: Int64, text: String) {
        #expect(UTCTimestamp.format(seconds) == text)
        #expect(UTCTimestamp.parse(text) == seconds)
    }

    @Test("timestamp parsing rejects malformed text", arguments: [
        "", "2024-05-01", "2024-05-01T12:00:00", "2024-05-01 12:00:00Z", "2024-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:00:00+08:00", "2024-05-01T12:00:00.Z",
        "abcd-ef-ghTij:kl:mnZ",
    ])
    func malformedTimestamps(text: String) {
        #expect(UTCTimestamp.parse(text) == nil)
    }

    @Test("fractional seconds are accepted and truncated")
    func fractionalSeconds() {
        #expect(UTCTimestamp.parse("2024-05-01T12:00:00.123Z") == 1_714_564_800)
    }

    @Test("random round trip over four centuries")
    func randomRoundTrip() {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_000_000_000...10_000_000_000, using: &generator)
            #expect(UTCTimestamp.parse(UTCTimestamp.format(seconds)) == seconds)
        }
    }
}
