@testable import Application
import Testing
import VODAPI

/// Sending batches: everything accepted before a failure is kept, nothing is sent after it.
@Suite struct BatchSubmissionTests {
    @Test func aServerErrorOnTheLastBatchKeepsTheFirst() async {
        let batches = [["https://a.example.com/1", "https://a.example.com/2"], ["https://a.example.com/3"]]
        var shown: [Int] = []
        var sent = 0
        let outcome = await BatchSubmission.send(batches, send: { (batch) throws(CommandFailure) -> [String] in
            sent += 1
            if sent == 2 {
                throw .api(.api(action: "RefreshVodObjectCaches", APIError(status: 503, code: "ServiceUnavailable", message: "busy", requestId: "r2")))
            }
            return ["task-\(sent)"]
        }, onAccepted: { index, _, _ in shown.append(index) })
        #expect(shown == [0], "the accepted batch was shown as it was accepted")
        #expect(outcome.accepted == [BatchSubmission.Accepted(urls: 2, taskIds: ["task-1"])] && outcome.taskIds == ["task-1"] && outcome.acceptedURLs == 2)
        #expect(outcome.failure?.urls == 1 && outcome.failure?.error.message.contains("ServiceUnavailable") == true)
        #expect(outcome.unsent == ["https://a.example.com/3"])
    }

    @Test func aFailureStopsEverythingAfterIt() async {
        let batches = (0..<4).map { ["https://a.example.com/\($0)"] }
        var sent = 0
        let outcome = await BatchSubmission.send(batches, send: { (batch) throws(CommandFailure) -> [String] in
            sent += 1
            if sent == 2 { throw .failed("refused") }
            return ["t\(sent)"]
        }, onAccepted: { _, _, _ in })
        #expect(sent == 2 && outcome.unsent == ["https://a.example.com/1", "https://a.example.com/2", "https://a.example.com/3"])
    }
}
