import FoundationEssentials

/// Wall time, monotonic time and sleeping, injected so tests control them.
public protocol TimeSource: Sendable {
    /// Seconds since the Unix epoch (UTC), for timestamps and expiry.
    func now() -> Double
    /// Seconds on a clock that never jumps, for intervals and rate limiting.
    func monotonic() -> Double
    /// Suspends the task for `seconds`; throws when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The machine's clocks.
public struct SystemTimeSource: TimeSource {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        Date().timeIntervalSince1970
    }

    public func monotonic() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(for: .nanoseconds(Int64(seconds * 1e9)))
    }
}
