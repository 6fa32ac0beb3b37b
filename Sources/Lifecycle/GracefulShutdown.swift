import Synchronization

/// A request to stop gracefully, made once and seen by whoever waits for it: a service's
/// own, or a whole group's (SIGTERM).
public final class GracefulShutdown: Sendable {
    private struct State {
        var requested = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var actions: [@Sendable () -> Void] = []
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether the shutdown has been requested.
    public var isRequested: Bool { state.withLock { $0.requested } }

    /// Requests the shutdown: wakes every waiter and runs every action, once. Any later call
    /// does nothing.
    public func request() {
        let (waiters, actions) = state.withLock { state -> ([CheckedContinuation<Void, Never>], [@Sendable () -> Void]) in
            guard !state.requested else { return ([], []) }
            state.requested = true
            let due = (Array(state.waiters.values), state.actions)
            state.waiters = [:]
            state.actions = []
            return due
        }
        for waiter in waiters { waiter.resume() }
        for action in actions { action() }
    }

    /// Runs `action` when the shutdown is requested (at once if it already is): for a service
    /// that waits on something else and must be woken.
    public func onRequest(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.requested { return true }
            state.actions.append(action)
            return false
        }
        if now { action() }
    }

    /// Returns once the shutdown is requested, or once the waiting task is cancelled.
    public func wait() async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.requested || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
