import HTTPClient
/// The process-wide limit on API calls: a token bucket for the rate (QPS and burst) and a
/// cap on calls in flight. Every caller of a ``VODClient`` shares one gate.
///
/// Calls come in three lanes: `bulk` (the per-domain history queries of the settled collectors,
/// hundreds a run) may hold all slots but `reservedForPriority`, so a hung history API cannot
/// starve the realtime, account and discovery calls of the `priority` lane, which may use any.
/// `background` calls (the hourly billing figures) take only the rate the others leave.
public actor RequestGate {
    /// Which calls a slot may go to.
    public enum Lane: Sendable {
        case priority
        case bulk
        /// Admitted only while no other call waits for a slot or a rate token, one at a time
        /// through the rate, and on at most half the bulk slots: they never delay the others.
        case background
    }

    private var bucket: TokenBucket
    private let maxConcurrent: Int
    /// Slots bulk calls may never take (none with a single slot).
    public nonisolated let reservedForPriority: Int
    /// Slots background calls may hold at once: half the bulk lane's (at least one).
    public nonisolated let maxBackground: Int
    private var inFlight = 0
    private var bulkInFlight = 0
    private var backgroundInFlight = 0
    /// Priority and bulk calls waiting for their rate token.
    private var tokenWaiters = 0
    /// Whether a background call is between its admission and its rate token.
    private var backgroundPassing = false
    private var priorityWaiters: [CheckedContinuation<Void, Never>] = []
    private var bulkWaiters: [CheckedContinuation<Void, Never>] = []
    private var backgroundWaiters: [CheckedContinuation<Void, Never>] = []
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
        maxBackground = max(1, (maxConcurrent - reservedForPriority) / 2)
        self.time = time
    }

    /// Runs `body` once a concurrency slot of `lane` and a rate token are available.
    public func withPermit<T: Sendable>(lane: Lane = .priority, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquireSlot(lane)
        defer { releaseSlot(lane) }
        try await waitForToken(lane)
        return try await body()
    }

    private func waitForToken(_ lane: Lane) async throws {
        let wait = bucket.reserve(now: time.monotonic())
        if lane == .background {
            defer {
                backgroundPassing = false
                admitBackground()
            }
            if wait > 0 { try await time.sleep(seconds: wait) }
        } else if wait > 0 {
            tokenWaiters += 1
            defer {
                tokenWaiters -= 1
                admitBackground()
            }
            try await time.sleep(seconds: wait)
        }
    }

    /// Holds every later call back for at least `seconds` (after a throttling answer).
    public func pause(for seconds: Double) {
        bucket.pause(for: seconds, now: time.monotonic())
    }

    /// Calls currently holding a slot.
    public var callsInFlight: Int { inFlight }

    private func canEnter(_ lane: Lane) -> Bool {
        guard inFlight < maxConcurrent else { return false }
        switch lane {
        case .priority: return true
        case .bulk: return bulkInFlight < maxConcurrent - reservedForPriority
        case .background:
            return bulkInFlight < maxConcurrent - reservedForPriority && backgroundInFlight < maxBackground && !backgroundPassing
                && priorityWaiters.isEmpty && bulkWaiters.isEmpty && tokenWaiters == 0
        }
    }

    private func enter(_ lane: Lane) {
        inFlight += 1
        if lane != .priority { bulkInFlight += 1 }
        if lane == .background {
            backgroundInFlight += 1
            backgroundPassing = true
        }
    }

    private func acquireSlot(_ lane: Lane) async {
        // Waiters of the lane go first: a new call never overtakes one already waiting.
        if waiters(of: lane).isEmpty, canEnter(lane) {
            enter(lane)
            return
        }
        // The releasing caller admits waiters with the slot already counted for them.
        await withCheckedContinuation { continuation in
            switch lane {
            case .priority: priorityWaiters.append(continuation)
            case .bulk: bulkWaiters.append(continuation)
            case .background: backgroundWaiters.append(continuation)
            }
        }
    }

    private func waiters(of lane: Lane) -> [CheckedContinuation<Void, Never>] {
        switch lane {
        case .priority: priorityWaiters
        case .bulk: bulkWaiters
        case .background: backgroundWaiters
        }
    }

    private func releaseSlot(_ lane: Lane) {
        inFlight -= 1
        if lane != .priority { bulkInFlight -= 1 }
        if lane == .background { backgroundInFlight -= 1 }
        while !priorityWaiters.isEmpty, canEnter(.priority) {
            enter(.priority)
            priorityWaiters.removeFirst().resume()
        }
        while !bulkWaiters.isEmpty, canEnter(.bulk) {
            enter(.bulk)
            bulkWaiters.removeFirst().resume()
        }
        admitBackground()
    }

    /// Lets the next background call in when nothing else waits (one at a time: its entry
    /// holds the next back until it has its rate token).
    private func admitBackground() {
        if !backgroundWaiters.isEmpty, canEnter(.background) {
            enter(.background)
            backgroundWaiters.removeFirst().resume()
        }
    }
}
