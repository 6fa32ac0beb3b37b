/// The web configuration's `rate_limit`: a token bucket of `burst` requests that refills one
/// every `interval` seconds; a request without a token gets 429 (with a burst of 0, every
/// request). Pure: the caller passes the time.
struct RequestRateLimiter: Equatable {
    let interval: Double
    let burst: Int
    private var tokens: Double
    private var updated: Double?

    init(interval: Double, burst: Int) {
        precondition(interval > 0 && burst >= 0, "a rate limit has a positive interval and a burst of 0 or more")
        self.interval = interval
        self.burst = burst
        tokens = Double(burst)
    }

    /// Takes a token at `now` (seconds on any monotonic scale) if one is left.
    mutating func allow(now: Double) -> Bool {
        if let updated { tokens = min(Double(burst), tokens + max(0, now - updated) / interval) }
        updated = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
