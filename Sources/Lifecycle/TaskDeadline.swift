import Synchronization

/// Waiting for a task with a time limit, without waiting on the task when the limit passes
/// (a task group would: it always awaits every child).
public enum TaskDeadline {
    /// Whether `task` finished before `deadline` did (a task that ends when the time is up).
    /// Neither is waited for once the other has finished; both keep running.
    public static func wait(for task: Task<Void, Never>, until deadline: Task<Void, Never>) async -> Bool {
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
                await deadline.value
                claim(false)
            }
        }
    }
}
