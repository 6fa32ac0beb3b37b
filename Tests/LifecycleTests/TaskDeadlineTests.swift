import Synchronization
import Testing
import Lifecycle

@Suite struct TaskDeadlineTests {
    /// Holds a continuation until the test lets the stuck task finish.
    final class Gate: Sendable {
        private let waiting = Mutex<CheckedContinuation<Void, Never>?>(nil)
        func park() async { await withCheckedContinuation { continuation in waiting.withLock { $0 = continuation } } }
        func open() { waiting.withLock { $0?.resume(); $0 = nil } }
        var isParked: Bool { waiting.withLock { $0 != nil } }
    }

    // The limit only catches a wait that waits for its task (the test would never end); it is
    // generous because the whole suite shares two cores' worth of the concurrency pool.
    @Test(.timeLimit(.minutes(5)))
    func finishedAndUnfinishedTasks() async {
        // A deadline that does not pass until the test says so: the task finishes first.
        let later = Gate()
        let notYet = Task { await later.park() }
        while !later.isParked { await Task.yield() }
        let quick = Task {}
        #expect(await TaskDeadline.wait(for: quick, until: notYet))
        later.open()
        await notYet.value
        // A task that cannot finish until after the wait returns: if the wait waited for it,
        // this test would never end.
        let gate = Gate()
        let stuck = Task { await gate.park() }
        while !gate.isParked { await Task.yield() }
        #expect(await TaskDeadline.wait(for: stuck, until: Task {}) == false)
        gate.open()
        await stuck.value
    }
}
