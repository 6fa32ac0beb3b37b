import RemoteWrite
import Testing

@Suite struct WriteOutcomeTests {
    @Test func statusesAsTheProtocolSays() {
        #expect(WriteOutcome.of(status: 204, retryAfter: nil, attempt: 1) == .accepted)
        #expect(WriteOutcome.of(status: 200, retryAfter: nil, attempt: 3) == .accepted)
        #expect(WriteOutcome.of(status: 503, retryAfter: nil, attempt: 1) == .retry(after: 1))
        #expect(WriteOutcome.of(status: 500, retryAfter: nil, attempt: 4) == .retry(after: 8))
        #expect(WriteOutcome.of(status: 500, retryAfter: nil, attempt: 30) == .retry(after: 60))
        #expect(WriteOutcome.of(status: 429, retryAfter: "7", attempt: 1) == .retry(after: 7))
        #expect(WriteOutcome.of(status: 429, retryAfter: "soon", attempt: 2) == .retry(after: 2))
        #expect(WriteOutcome.of(status: 400, retryAfter: nil, attempt: 1) == .refused(status: 400))
        #expect(WriteOutcome.of(status: 404, retryAfter: "5", attempt: 1) == .refused(status: 404))
    }
}
