/// What a remote-write receiver's answer means for the batch, as the protocol says: 2xx taken;
/// 5xx and 429 retried with backoff (after `Retry-After` when the receiver gives one); any other
/// status refused for good (resending the same data cannot help). Pure.
public enum WriteOutcome: Equatable, Sendable {
    case accepted
    /// Send the same batch again after this many seconds.
    case retry(after: Double)
    /// The receiver refused the data; it is dropped (counted and logged by the caller).
    case refused(status: Int)

    /// The outcome of an answer with `status` and its `Retry-After` value, on the `attempt`-th
    /// try (from 1): backoff doubles from 1 s up to 60 s unless the receiver names a delay.
    public static func of(status: Int, retryAfter: String?, attempt: Int) -> WriteOutcome {
        switch status {
        case 200..<300:
            return .accepted
        case 429, 500..<600:
            if let retryAfter, let seconds = Double(retryAfter), seconds >= 0 { return .retry(after: min(seconds, 300)) }
            return .retry(after: backoff(attempt: attempt))
        default:
            return .refused(status: status)
        }
    }

    /// The wait after a failed attempt that got no answer at all (a connection refused, a timeout).
    public static func backoff(attempt: Int) -> Double {
        min(60, Double(1 << min(max(attempt - 1, 0), 6)))
    }
}
