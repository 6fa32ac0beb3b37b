import Synchronization

/// Waiting for a task with a time limit, without waiting on the task when the limit passes
/// (a task group would: it always awaits every child).
enum TaskDeadline {
    /// Whether `task` finished within `seconds`. The task keeps running either way.
    static func wait(for task: Task<Void, Never>, seconds: Double) async -> Bool {
        let resumed = Atomic<Bool>(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let claim: @Sendable (Bool) -> Void = { result in
                if resumed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
                    continuation.resume(returning: result)
                }
            }
            Task {
                await task.value
                claim(true)
            }
            Task {
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                claim(false)
            }
        }
    }
}
