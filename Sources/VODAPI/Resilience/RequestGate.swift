import HTTPClient
/// The process-wide limit on API calls: a token bucket for the rate (QPS and burst) and a
/// cap on calls in flight. Every caller of a ``VODClient`` shares one gate.
///
/// Calls come in two lanes: `bulk` (the per-domain history queries of the settled collectors,
/// hundreds a run) may hold all slots but `reservedForPriority`, so a hung history API cannot
/// starve the realtime, account and discovery calls of the `priority` lane, which may use any.
public actor RequestGate {
    /// Which calls a slot may go to.
    public enum Lane: Sendable {
        case priority
        case bulk
    }

    private var bucket: TokenBucket
    private let maxConcurrent: Int
    /// Slots bulk calls may never take (none with a single slot).
    public nonisolated let reservedForPriority: Int
    private var inFlight = 0
    private var bulkInFlight = 0
    private var priorityWaiters: [CheckedContinuation<Void, Never>] = []
    private var bulkWaiters: [CheckedContinuation<Void, Never>] = []
    private let time: any TimeSource

    /// - Parameters:
    ///   - maxQPS: calls per second on average.
    ///   - burst: calls that may start at once after a quiet period.
    ///   - maxConcurrent: calls in flight at most.
    public init(maxQPS: Double, burst: Int, maxConcurrent: Int, time: any TimeSource = SystemTimeSource()) {
        precondition(maxQPS > 0 && burst >= 1 && maxConcurrent >= 1, "limits must be positive")
        self.bucket = TokenBucket(rate: maxQPS, burst: Double(burst), now: time.monotonic())
        self.maxConcurrent = maxConcurrent
        reservedForPriority = maxConcurrent >= 2 ? max(1, maxConcurrent / 4) : 0
        self.time = time
    }

    /// Runs `body` once a concurrency slot of `lane` and a rate token are available.
    public func withPermit<T: Sendable>(lane: Lane = .priority, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquireSlot(lane)
        defer { releaseSlot(lane) }
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

    private func canEnter(_ lane: Lane) -> Bool {
        inFlight < maxConcurrent && (lane == .priority || bulkInFlight < maxConcurrent - reservedForPriority)
    }

    private func enter(_ lane: Lane) {
        inFlight += 1
        if lane == .bulk { bulkInFlight += 1 }
    }

    private func acquireSlot(_ lane: Lane) async {
        // Waiters of the lane go first: a new call never overtakes one already waiting.
        let queued = lane == .priority ? !priorityWaiters.isEmpty : !bulkWaiters.isEmpty
        if !queued, canEnter(lane) {
            enter(lane)
            return
        }
        // The releasing caller admits waiters with the slot already counted for them.
        await withCheckedContinuation { continuation in
            if lane == .priority { priorityWaiters.append(continuation) } else { bulkWaiters.append(continuation) }
        }
    }

    private func releaseSlot(_ lane: Lane) {
        inFlight -= 1
        if lane == .bulk { bulkInFlight -= 1 }
        while !priorityWaiters.isEmpty, canEnter(.priority) {
            enter(.priority)
            priorityWaiters.removeFirst().resume()
        }
        while !bulkWaiters.isEmpty, canEnter(.bulk) {
            enter(.bulk)
            bulkWaiters.removeFirst().resume()
        }
    }
}
