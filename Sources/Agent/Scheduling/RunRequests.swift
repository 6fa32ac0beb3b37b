import HTTPClient
import Synchronization
import VODAPI

/// Asks a collector's loop for a run now (SIGHUP). A request made while a run is in progress
/// is remembered: one more run starts when it ends, however many requests arrived.
final class RunRequests: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        /// The current wait was cancelled (set by its cancellation handler, which can run before
        /// the waiter is stored).
        var waitCancelled = false
    }

    private let state = Mutex(State())

    /// Requests one run as soon as possible.
    func request() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.pending = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Forgets a request that the run about to start covers.
    func consume() {
        state.withLock { $0.pending = false }
    }

    /// Waits `seconds`, or less when a run is requested meanwhile.
    /// - Returns: true when a request ended the wait (and is consumed by it).
    func wait(seconds: Double, time: any TimeSource) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await time.sleep(seconds: seconds)
                return false
            }
            group.addTask { await self.nextRequest() }
            let first = await group.next() ?? false
            group.cancelAll()
            // The losing child ends at once: a cancelled sleep throws, a cancelled wait resumes.
            for await _ in group {}
            return state.withLock { state in
                let requested = first || state.pending
                state.pending = false
                return requested
            }
        }
    }

    /// Returns when a request is pending (true) or the task is cancelled (false).
    private func nextRequest() async -> Bool {
        state.withLock { $0.waitCancelled = false }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || state.waitCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            return state.withLock { $0.pending }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.waitCancelled = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
