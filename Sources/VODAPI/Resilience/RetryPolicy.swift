/// When to retry a failed call and how long to wait: exponential backoff with full jitter,
/// stretched to at least the server's retry hint.
///
/// Retried: throttling, server errors (5xx, `ServiceUnavailable`, `InternalError`) and
/// transport failures. Calls that consume quota (refresh, preload) are retried only when the
/// server cannot have acted on them: a throttling answer or a connection that never opened.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in total, the first included.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry, in seconds; doubled for each later one.
    public var baseDelay: Double
    /// The largest backoff ceiling, in seconds.
    public var maxDelay: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.25, maxDelay: Double = 10) {
        precondition(maxAttempts >= 1, "at least one attempt")
        precondition(baseDelay >= 0 && maxDelay >= baseDelay, "delays must be ordered")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1, baseDelay: 0, maxDelay: 0)

    /// The wait before the next attempt, or nil to give up.
    /// - Parameters:
    ///   - attempt: the attempt that just failed, counting from 1.
    ///   - error: how it failed.
    ///   - consumesQuota: whether the operation uses up daily quota.
    ///   - jitter: a random number in `0..<1`.
    public func delay(afterAttempt attempt: Int, error: VODClientError, consumesQuota: Bool, jitter: Double) -> Double? {
        guard attempt < maxAttempts, isRetryable(error, consumesQuota: consumesQuota) else { return nil }
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 30)))
        let backoff = ceiling * min(max(jitter, 0), 1)
        if case .api(_, let apiError) = error, let hint = apiError.retryAfter {
            return min(max(hint, backoff), RetryHints.cap)
        }
        return backoff
    }

    /// Whether `error` is worth another attempt.
    public func isRetryable(_ error: VODClientError, consumesQuota: Bool) -> Bool {
        switch error {
        case .api(_, let apiError):
            switch apiError.category {
            case .throttled: return true
            case .serverError: return !consumesQuota
            case .authentication, .request: return false
            }
        case .transport(_, let transportError):
            if [.cancelled, .invalidRequest, .clientUnavailable].contains(transportError.kind) { return false }
            return consumesQuota ? !transportError.mayHaveReachedServer : true
        case .invalidRequest, .decoding, .credentials:
            return false
        }
    }
}
