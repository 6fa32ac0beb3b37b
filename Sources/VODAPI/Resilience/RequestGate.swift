/// The process-wide limit on API calls: a token bucket for the rate (QPS and burst) and a
/// cap on calls in flight. Every caller of a ``VODClient`` shares one gate.
public actor RequestGate {
    private var bucket: TokenBucket
    private let maxConcurrent: Int
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private let time: any TimeSource

    /// - Parameters:
    ///   - maxQPS: calls per second on average.
    ///   - burst: calls that may start at once after a quiet period.
    ///   - maxConcurrent: calls in flight at most.
    public init(maxQPS: Double, burst: Int, maxConcurrent: Int, time: any TimeSource = SystemTimeSource()) {
        precondition(maxQPS > 0 && burst >= 1 && maxConcurrent >= 1, "limits must be positive")
        self.bucket = TokenBucket(rate: maxQPS, burst: Double(burst), now: time.monotonic())
        self.maxConcurrent = maxConcurrent
        self.time = time
    }

    /// Runs `body` once a concurrency slot and a rate token are available.
    public func withPermit<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquireSlot()
        defer { releaseSlot() }
        let wait = bucket.reserve(now: time.monotonic())
        if wait > 0 { try await time.sleep(seconds: wait) }
        return try await body()
    }

    /// Holds every later call back for at least `seconds` (after a throttling answer).
    public func pause(for seconds: Double) {
        bucket.pause(for: seconds, now: time.monotonic())
    }

    /// Calls currently holding a slot.
    public var callsInFlight: Int { inFlight }

    private func acquireSlot() async {
        if inFlight < maxConcurrent {
            inFlight += 1
            return
        }
        // The releasing caller hands its slot over directly, so inFlight stays counted.
        await withCheckedContinuation { waiters.append($0) }
    }

    private func releaseSlot() {
        if waiters.isEmpty {
            inFlight -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
