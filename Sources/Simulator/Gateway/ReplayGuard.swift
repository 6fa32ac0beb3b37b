import Synchronization

/// Remembers signature nonces inside the replay window, so a reused one is refused
/// (`SignatureNonceUsed`).
final class ReplayGuard: Sendable {
    private let seen = Mutex<[String: Int64]>([:])
    private let window: Int64
    private let capacity = 200_000

    init(window: Int64) {
        self.window = window
    }

    /// Whether `nonce` is new at `now` (and remembers it).
    func admit(_ nonce: String, now: Int64) -> Bool {
        seen.withLock { seen in
            if let expiry = seen[nonce], expiry > now { return false }
            if seen.count >= capacity { seen = seen.filter { $0.value > now } }
            seen[nonce] = now + window
            return true
        }
    }
}
