import Foundation
import Testing
@testable import Application

@Suite struct TaskDeadlineTests {
    @Test func finishedAndUnfinishedTasks() async {
        let quick = Task { _ = try? await Task.sleep(nanoseconds: 10_000_000) }
        #expect(await TaskDeadline.wait(for: quick, seconds: 5))
        // A task that ignores cancellation and runs long: the wait gives up without it.
        let stuck = Task {
            let until = Date().addingTimeInterval(3)
            while Date() < until { await Task.yield() }  // ignores cancellation
        }
        let started = Date()
        #expect(await TaskDeadline.wait(for: stuck, seconds: 0.2) == false)
        #expect(Date().timeIntervalSince(started) < 2.5, "the wait did not wait for the task")
    }
}
