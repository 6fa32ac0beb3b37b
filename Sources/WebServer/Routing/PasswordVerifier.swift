import Primitives
import Synchronization

/// Checks `Authorization: Basic …` against the web configuration's `basic_auth_users` (bcrypt
/// hashes). bcrypt is slow on purpose, so checks that succeeded are remembered (by a SHA-256 of
/// user, password and hash: no password is kept), and hashing runs one at a time so a flood of
/// wrong passwords costs one core at most. An unknown user is checked against a fixed hash of the
/// same cost, so timing does not tell which usernames exist.
final class PasswordVerifier: Sendable {
    /// Remembered successes beyond this are forgotten all at once (a handful of scrapers is normal).
    static let cacheLimit = 256

    private let remembered = Mutex<Set<[UInt8]>>([])
    private let hashing = Mutex(())
    /// For unknown users: a hash of a password nobody sends (cost 10, as `htpasswd -B` makes).
    private static let decoy = try! BCrypt.Hash(parsing: "$2b$10$2V3MGNcDaDaIbZ1OeUZNM.hTRx7Mko3QdiVqq.W679E0kkuHyNspS")

    /// Whether `authorization` (the header value, or nil) names a user of `users` with the right password.
    func isAuthorized(_ authorization: String?, users: [String: BCrypt.Hash]) -> Bool {
        guard let (username, password) = Self.credentials(authorization) else { return false }
        let hash = users[username]
        let key = SHA256.hash(Array(username.utf8) + [0] + password + [0] + (hash?.identity ?? []))
        if hash != nil, remembered.withLock({ $0.contains(key) }) { return true }
        let matches = hashing.withLock { _ in BCrypt.verify(password, against: hash ?? Self.decoy) }
        guard matches, hash != nil else { return false }
        remembered.withLock { keys in
            if keys.count >= Self.cacheLimit { keys.removeAll() }
            keys.insert(key)
        }
        return true
    }

    /// Username and password of a Basic authorization header.
    static func credentials(_ authorization: String?) -> (String, [UInt8])? {
        guard let authorization, authorization.count > 6, authorization.prefix(6).lowercased() == "basic " else { return nil }
        guard let decoded = Base64.decode(String(authorization.dropFirst(6)).trimmingWhitespace()),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (String(decoding: decoded[..<colon], as: UTF8.self), Array(decoded[(colon + 1)...]))
    }

    /// The `WWW-Authenticate` value of a 401 response.
    static let challenge = "Basic realm=\"vodcdn-exporter\", charset=\"UTF-8\""
}
