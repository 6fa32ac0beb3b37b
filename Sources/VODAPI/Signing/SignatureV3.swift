import Crypto
import HTTPClient
import Primitives
/// Alibaba Cloud signature V3 (`ACS3-HMAC-SHA256`): HMAC-SHA256 over the hash of a canonical
/// request, sent in the `Authorization` header.
public enum SignatureV3 {
    public static let algorithm = "ACS3-HMAC-SHA256"

    /// The hex SHA-256 of an empty payload.
    public static let emptyPayloadHash = Hex.lowercase(SHA256.hash([UInt8]()))

    /// The canonical request and the signed header names.
    ///
    /// Lines: method, URI, canonical query, one `name:value` line per header (lowercase name,
    /// trimmed value, sorted by name), a blank line, the signed names joined by `;`, and the
    /// hashed payload.
    public static func canonicalRequest(
        method: HTTPMethod, path: String = "/", query: [String: String],
        headers: [(name: String, value: String)], hashedPayload: String
    ) -> (request: String, signedHeaders: String) {
        let sortedHeaders = headers
            .map { (name: $0.name.lowercased(), value: $0.value.trimmingWhitespace()) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let headerBlock = sortedHeaders.map { "\($0.name):\($0.value)\n" }.joined()
        let signedHeaders = sortedHeaders.map(\.name).joined(separator: ";")
        let request = [
            method.rawValue, path, PercentEncoding.canonicalQuery(query), headerBlock, signedHeaders, hashedPayload,
        ].joined(separator: "\n")
        return (request, signedHeaders)
    }

    /// `ACS3-HMAC-SHA256\n` plus the hex SHA-256 of the canonical request.
    public static func stringToSign(canonicalRequest: String) -> String {
        "\(algorithm)\n\(Hex.lowercase(SHA256.hash(canonicalRequest)))"
    }

    /// The hex HMAC-SHA256 of the string to sign under the secret (no `&` suffix, unlike V2).
    public static func signature(canonicalRequest: String, secret: String) -> String {
        Hex.lowercase(HMAC<SHA256>.authenticationCode(for: stringToSign(canonicalRequest: canonicalRequest), key: secret))
    }

    /// The `Authorization` header value.
    public static func authorization(accessKeyId: String, signedHeaders: String, signature: String) -> String {
        "\(algorithm) Credential=\(accessKeyId),SignedHeaders=\(signedHeaders),Signature=\(signature)"
    }
}
