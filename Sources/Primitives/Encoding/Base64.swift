import FoundationEssentials

/// Base64 (RFC 4648, with padding) for V2 signatures and basic-auth headers.
public enum Base64 {
    /// The padded Base64 text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// The bytes of padded Base64 text, or nil when it is not Base64.
    public static func decode(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { Array($0) }
    }
}
