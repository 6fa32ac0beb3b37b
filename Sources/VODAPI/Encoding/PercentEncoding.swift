import Primitives
/// Percent-encoding exactly as Alibaba Cloud signs requests (RFC 3986, UTF-8): the unreserved
/// characters `A-Z a-z 0-9 - _ . ~` stay literal and every other byte becomes `%XX` in
/// upper-case hex. A space is `%20` (never `+`) and `*` is `%2A`.
///
/// Foundation's `URLComponents` and `CharacterSet.urlQueryAllowed` leave `+ & = , / :` alone,
/// which breaks signatures, so this encoder is written over the UTF-8 bytes directly.
public enum PercentEncoding {
    private static let upperDigits = Array("0123456789ABCDEF".utf8)

    /// Whether `byte` is an RFC 3986 unreserved character.
    @inline(__always)
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// The Alibaba encoding of `text`.
    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperDigits[Int(byte >> 4)])
                out.append(upperDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (either case). With `plusAsSpace`, `+` becomes a space, as in
    /// `application/x-www-form-urlencoded` bodies. Returns nil for a malformed escape or bytes
    /// that are not UTF-8.
    public static func decode(_ text: String, plusAsSpace: Bool = false) -> String? {
        let input = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < input.count,
                    let high = Hex.value(of: input[index + 1]), let low = Hex.value(of: input[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// `key=value` pairs, each part encoded, sorted by encoded key in byte order and joined
    /// with `&`: the canonical query string of both signature versions.
    public static func canonicalQuery(_ parameters: [String: String]) -> String {
        parameters
            .map { (key: encode($0.key), value: encode($0.value)) }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { "\($0.key)=\($0.value)" }
            .joined(separator: "&")
    }

    /// Parses `a=1&b=2` (a query string or form body) into pairs, decoding each part.
    /// Returns nil when an escape is malformed.
    public static func parsePairs(_ text: String, plusAsSpace: Bool) -> [(key: String, value: String)]? {
        var pairs: [(key: String, value: String)] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(String(parts[0]), plusAsSpace: plusAsSpace) else { return nil }
            let rawValue = parts.count > 1 ? String(parts[1]) : ""
            guard let value = decode(rawValue, plusAsSpace: plusAsSpace) else { return nil }
            pairs.append((key, value))
        }
        return pairs
    }
}
