import HTTPClient
import Synchronization
import VODAPI
#if canImport(Glibc)
import Glibc
#endif

/// Virtual time for schedule tests: a clock whose sleeps wait for the clock to be advanced,
/// and an executor that runs every job of the code under test on the test's own thread.
///
/// `run(_:)` drives a scenario as a discrete-event simulation: it runs every job that is ready;
/// when none is left (the code is blocked on sleeps), it moves the clock to the earliest wake
/// time and resumes the sleepers due then. No real time passes, so the outcome depends only
/// on the code, never on the machine's load.
public final class VirtualTime: TimeSource, Sendable {
    private struct Sleeper {
        let wake: Double
        let order: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Double
        var sleepers: [UInt64: Sleeper] = [:]
        var nextOrder: UInt64 = 0
    }

    private let state: Mutex<State>
    private let epoch: Double
    private let executor = DrivingExecutor()

    /// - Parameter epoch: the wall-clock time (seconds since 1970) at virtual time 0.
    public init(epoch: Double) {
        self.epoch = epoch
        state = Mutex(State(now: 0))
    }

    public func now() -> Double { epoch + monotonic() }

    public func monotonic() -> Double { state.withLock { $0.now } }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else {
            try Task.checkCancellation()
            return
        }
        let order = state.withLock { state -> UInt64 in
            state.nextOrder += 1
            return state.nextOrder
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.sleepers[order] = Sleeper(wake: state.now + seconds, order: order, continuation: continuation)
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: order) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Runs `scenario` in virtual time and returns its result once it has finished.
    /// - Parameter limit: virtual seconds after which the scenario is cancelled (a guard
    ///   against a schedule that never ends).
    public func run<T: Sendable>(limit: Double = 86_400, _ scenario: @escaping @Sendable () async -> T) async -> T {
        let result = Mutex<T?>(nil)
        let task = Task(executorPreference: executor) {
            let value = await scenario()
            result.withLock { $0 = value }
        }
        let start = monotonic()
        while result.withLock({ $0 == nil }) {
            executor.runReadyJobs()
            if result.withLock({ $0 != nil }) { break }
            if monotonic() - start > limit { task.cancel() }
            if !advance() {
                // Nothing ready and nobody asleep: a job may still be on its way from another
                // thread (a continuation resumed outside the executor). Give it a moment.
                usleep(1000)
            }
        }
        await task.value
        return result.withLock { $0! }
    }

    /// Moves the clock to the earliest wake time and resumes the sleepers due then, in the
    /// order they went to sleep. Returns false when nobody sleeps.
    private func advance() -> Bool {
        let due = state.withLock { state -> [Sleeper] in
            guard let wake = state.sleepers.values.map(\.wake).min() else { return [] }
            state.now = max(state.now, wake)
            let due = state.sleepers.values.filter { $0.wake <= wake }.sorted { $0.order < $1.order }
            for sleeper in due { state.sleepers.removeValue(forKey: sleeper.order) }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
        return !due.isEmpty
    }
}

/// Runs jobs only when the driver asks, on the driver's thread.
private final class DrivingExecutor: TaskExecutor, Sendable {
    private let queue = Mutex<[UnownedJob]>([])

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.append(job) }
    }

    func runReadyJobs() {
        while let job = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
