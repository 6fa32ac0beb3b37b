import HTTPClient
/// Temporary credentials fetched on demand and refreshed before they expire.
///
/// However many callers ask at once, one fetch runs (single flight) and all of them get its
/// result. A refresh that fails while the cached credentials are still valid keeps serving the
/// cached ones, so a brief STS or metadata outage does not stop the agent.
public actor RefreshingCredentialsProvider: CredentialsProvider {
    public nonisolated let sourceDescription: String
    private let fetch: @Sendable () async throws -> Credentials
    private let time: any TimeSource
    /// How long before expiry a refresh starts (shortened for short-lived credentials).
    private let refreshAhead: Double
    /// After a failed refresh, how long the still-valid cached credentials are served before
    /// the next attempt, so an outage does not turn every call into a fetch.
    private let retryAfterFailure: Double
    private var nextAttemptAt: Double?
    private var cached: (credentials: Credentials, fetchedAt: Double)?
    private var inFlight: Task<Credentials, any Error>?
    private(set) var fetchCount = 0

    /// - Parameters:
    ///   - refreshAhead: seconds before expiry to refresh; the official SDKs use 15 minutes.
    ///   - retryAfterFailure: seconds between refresh attempts while a refresh keeps failing
    ///     and the cached credentials are still valid.
    public init(
        sourceDescription: String, refreshAhead: Double = 900, retryAfterFailure: Double = 30,
        time: any TimeSource = SystemTimeSource(), fetch: @escaping @Sendable () async throws -> Credentials
    ) {
        self.sourceDescription = sourceDescription
        self.refreshAhead = refreshAhead
        self.retryAfterFailure = retryAfterFailure
        self.time = time
        self.fetch = fetch
    }

    public func credentials() async throws -> Credentials {
        let now = time.now()
        if let cached, !needsRefresh(cached, now: now) {
            return cached.credentials
        }
        if let cached, let nextAttemptAt, now < nextAttemptAt, !isExpired(cached.credentials, now: now) {
            return cached.credentials
        }
        let task: Task<Credentials, any Error>
        if let inFlight {
            task = inFlight
        } else {
            fetchCount += 1
            let fetch = self.fetch
            task = Task { try await fetch() }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            if inFlight == task {
                inFlight = nil
                nextAttemptAt = nil
                cached = (fresh, time.now())
            }
            return fresh
        } catch {
            if inFlight == task {
                inFlight = nil
                nextAttemptAt = time.now() + retryAfterFailure
            }
            if let cached, !isExpired(cached.credentials, now: time.now()) {
                return cached.credentials
            }
            throw error
        }
    }

    public func currentExpiration() async -> Int64? {
        cached?.credentials.expiration
    }

    /// How many fetches have started (for tests and diagnostics).
    public var fetches: Int { fetchCount }

    private func isExpired(_ credentials: Credentials, now: Double) -> Bool {
        credentials.expiration.map { Double($0) <= now } ?? false
    }

    private func needsRefresh(_ entry: (credentials: Credentials, fetchedAt: Double), now: Double) -> Bool {
        guard let expiration = entry.credentials.expiration else { return false }
        let lifetime = Double(expiration) - entry.fetchedAt
        let ahead = min(refreshAhead, max(lifetime / 2, 0))
        return now >= Double(expiration) - ahead
    }
}
