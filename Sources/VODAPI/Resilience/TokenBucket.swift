/// A token bucket that hands out reservations: each call takes one token now and learns how
/// long to wait until that token exists. Waiting callers are therefore spaced evenly at the
/// configured rate, in the order they asked. Pure: time is an argument.
public struct TokenBucket: Sendable, Equatable {
    /// Tokens added per second.
    public let rate: Double
    /// The most tokens that can accumulate (the largest burst).
    public let burst: Double
    private var tokens: Double
    private var updatedAt: Double

    public init(rate: Double, burst: Double, now: Double) {
        precondition(rate > 0 && burst >= 1, "rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updatedAt = now
    }

    /// Takes one token; returns the seconds to wait before using it (0 when available now).
    public mutating func reserve(now: Double) -> Double {
        refill(now: now)
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / rate
    }

    /// Empties the bucket and delays every later reservation by at least `seconds` (after a
    /// throttling answer), so the whole process slows down, not just one caller.
    public mutating func pause(for seconds: Double, now: Double) {
        refill(now: now)
        tokens = min(tokens, -seconds * rate)
    }

    private mutating func refill(now: Double) {
        if now > updatedAt {
            tokens = min(burst, tokens + (now - updatedAt) * rate)
            updatedAt = now
        }
    }
}
