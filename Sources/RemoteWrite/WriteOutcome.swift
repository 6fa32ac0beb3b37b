import Primitives

/// What a remote-write receiver's answer means for the batch, as the protocol says: 2xx taken;
/// 5xx and 429 retried with backoff (after `Retry-After` when the receiver gives one); any other
/// status refused for good (resending the same data cannot help). Pure.
public enum WriteOutcome: Equatable, Sendable {
    case accepted
    /// Send the same batch again after this many seconds.
    case retry(after: Double)
    /// The receiver refused the data; it is dropped (counted and logged by the caller).
    case refused(status: Int)

    /// The longest wait a `Retry-After` gets: a receiver asking for more is tried again after
    /// this (the queue keeps the data; the sender logs the cut).
    public static let maxRetryAfter = 300.0

    /// The outcome of an answer with `status` and its `Retry-After` value, on the `attempt`-th
    /// try (from 1) at `now` (seconds since the epoch): backoff doubles from 1 s up to 60 s
    /// unless the receiver names a delay, in seconds or as an HTTP-date (RFC 9110 §10.2.3).
    public static func of(status: Int, retryAfter: String?, attempt: Int, now: Double) -> WriteOutcome {
        switch status {
        case 200..<300:
            return .accepted
        case 429, 500..<600:
            if let retryAfter, let seconds = retryAfterSeconds(retryAfter, now: now) { return .retry(after: min(seconds, maxRetryAfter)) }
            return .retry(after: backoff(attempt: attempt))
        default:
            return .refused(status: status)
        }
    }

    /// The seconds a `Retry-After` value asks for: a number of seconds, or an HTTP-date (a date
    /// already past asks for none); nil when it is neither.
    public static func retryAfterSeconds(_ value: String, now: Double) -> Double? {
        let text = value.trimmingWhitespace()
        if let seconds = Double(text) { return seconds >= 0 && seconds.isFinite ? seconds : nil }
        guard let date = UTCTimestamp.parseHTTPDate(text) else { return nil }
        return max(0, Double(date) - now)
    }

    /// The wait after a failed attempt that got no answer at all (a connection refused, a timeout).
    public static func backoff(attempt: Int) -> Double {
        min(60, Double(1 << min(max(attempt - 1, 0), 6)))
    }
}
