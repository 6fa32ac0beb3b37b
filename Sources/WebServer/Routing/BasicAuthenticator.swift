import Primitives

/// Checks an `Authorization: Basic …` header against one username and password.
///
/// Both the username and the password are compared as SHA-256 digests in constant time, and
/// both comparisons always run, so timing reveals neither which part was wrong nor how much of
/// it matched.
public struct BasicAuthenticator: Sendable {
    private let usernameDigest: [UInt8]
    private let passwordDigest: [UInt8]

    public init(username: String, password: String) {
        usernameDigest = SHA256.hash(username)
        passwordDigest = SHA256.hash(password)
    }

    /// Whether `authorization` (the header value, or nil) carries the right credentials.
    public func isAuthorized(_ authorization: String?) -> Bool {
        guard let authorization, authorization.count > 6, authorization.prefix(6).lowercased() == "basic " else { return false }
        guard let decoded = Base64.decode(String(authorization.dropFirst(6)).trimmingWhitespace()),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let usernameMatches = ConstantTime.equals(SHA256.hash(decoded[..<colon]), usernameDigest)
        let passwordMatches = ConstantTime.equals(SHA256.hash(decoded[(colon + 1)...]), passwordDigest)
        return usernameMatches && passwordMatches
    }

    /// The `WWW-Authenticate` value of a 401 response.
    public static let challenge = "Basic realm=\"vodcdn-exporter\", charset=\"UTF-8\""
}
