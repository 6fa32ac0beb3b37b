import Crypto
import Primitives
import Synchronization

/// Checks `Authorization: Basic …` against the web configuration's `basic_auth_users` (bcrypt
/// hashes). bcrypt is slow on purpose, so it is kept off the path of scrapes that already
/// succeeded and cannot be turned against the listener:
/// - answers are remembered, successes and failures apart (by a SHA-256 of user, password and the
///   user's hash: no password is kept, and a changed password or file is a different key), so a
///   flood of wrong passwords can never push out a scraper's remembered success;
/// - at most `maxHashing` checks hash or wait to hash at once; any more get `busy` at once
///   instead of queueing behind them (a flood of new wrong passwords then costs one core at most
///   and holds two connection threads, never all of them);
/// - an unknown user is checked against a fixed hash of the same cost, so timing does not tell
///   which usernames exist.
final class PasswordVerifier: Sendable {
    /// What a check found.
    enum Verdict: Equatable {
        case authorized
        case refused
        /// Too many checks are hashing already: try again shortly.
        case busy
    }

    /// Remembered answers beyond these are forgotten all at once (a handful of scrapers is normal).
    static let successLimit = 256
    static let failureLimit = 4096
    /// Checks hashing or waiting to hash at once.
    static let maxHashing = 2

    private struct Memory {
        var successes: Set<[UInt8]> = []
        var failures: Set<[UInt8]> = []
        var hashing = 0
    }

    private let memory = Mutex(Memory())
    private let hashing = Mutex(())
    private let verify: @Sendable ([UInt8], BCrypt.Hash) -> Bool

    /// - Parameter verify: bcrypt's check (injected in tests to count or slow it).
    init(verify: @escaping @Sendable ([UInt8], BCrypt.Hash) -> Bool = { BCrypt.verify($0, against: $1) }) {
        self.verify = verify
    }

    /// For unknown users: a hash of a password nobody sends (cost 10, as `htpasswd -B` makes).
    private static let decoy = try! BCrypt.Hash(parsing: "$2b$10$2V3MGNcDaDaIbZ1OeUZNM.hTRx7Mko3QdiVqq.W679E0kkuHyNspS")

    /// Whether `authorization` (the header value, or nil) names a user of `users` with the right password.
    func check(_ authorization: String?, users: [String: BCrypt.Hash]) -> Verdict {
        guard let (username, password) = Self.credentials(authorization) else { return .refused }
        let hash = users[username]
        let key = Self.key(username: username, password: password, hash: hash)
        let known = memory.withLock { memory -> Verdict? in
            if memory.successes.contains(key) { return .authorized }
            if memory.failures.contains(key) { return .refused }
            guard memory.hashing < Self.maxHashing else { return .busy }
            memory.hashing += 1
            return nil
        }
        if let known { return known }
        let matches = hashing.withLock { _ in verify(password, hash ?? Self.decoy) } && hash != nil
        memory.withLock { memory in
            memory.hashing -= 1
            if matches {
                if memory.successes.count >= Self.successLimit { memory.successes.removeAll() }
                memory.successes.insert(key)
            } else {
                if memory.failures.count >= Self.failureLimit { memory.failures.removeAll() }
                memory.failures.insert(key)
            }
        }
        return matches ? .authorized : .refused
    }

    /// Checks hashing or waiting to hash now.
    var checksInProgress: Int {
        memory.withLock { $0.hashing }
    }

    /// The memory key: every part length-prefixed, so no text moved between username and
    /// password (or into the hash) gives another's key; an unknown user's key says so.
    static func key(username: String, password: [UInt8], hash: BCrypt.Hash?) -> [UInt8] {
        var bytes: [UInt8] = []
        for part in [Array(username.utf8), password, hash?.identity ?? Array("unknown user".utf8)] {
            let count = UInt32(part.count)
            bytes += [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)] + part
        }
        bytes.append(hash == nil ? 0 : 1)
        return SHA256.hash(bytes)
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
