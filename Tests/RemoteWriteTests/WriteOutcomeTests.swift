import RemoteWrite
import Testing

@Suite struct WriteOutcomeTests {
    @Test func statusesAsTheProtocolSays() {
        #expect(WriteOutcome.of(status: 204, retryAfter: nil, attempt: 1, now: 0) == .accepted)
        #expect(WriteOutcome.of(status: 200, retryAfter: nil, attempt: 3, now: 0) == .accepted)
        #expect(WriteOutcome.of(status: 503, retryAfter: nil, attempt: 1, now: 0) == .retry(after: 1))
        #expect(WriteOutcome.of(status: 500, retryAfter: nil, attempt: 4, now: 0) == .retry(after: 8))
        #expect(WriteOutcome.of(status: 500, retryAfter: nil, attempt: 30, now: 0) == .retry(after: 60))
        #expect(WriteOutcome.of(status: 429, retryAfter: "7", attempt: 1, now: 0) == .retry(after: 7))
        #expect(WriteOutcome.of(status: 429, retryAfter: "soon", attempt: 2, now: 0) == .retry(after: 2))
        #expect(WriteOutcome.of(status: 400, retryAfter: nil, attempt: 1, now: 0) == .refused(status: 400))
        #expect(WriteOutcome.of(status: 404, retryAfter: "5", attempt: 1, now: 0) == .refused(status: 404))
    }

    /// RFC 9110 §10.2.3: a number of seconds or an HTTP-date; a date in the past asks for none.
    @Test func retryAfterInBothForms() {
        let now = 784_111_777.0  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(WriteOutcome.retryAfterSeconds("Sun, 06 Nov 1994 08:49:48 GMT", now: now) == 11)
        #expect(WriteOutcome.retryAfterSeconds("Sun, 06 Nov 1994 08:49:00 GMT", now: now) == 0)
        #expect(WriteOutcome.retryAfterSeconds(" 120 ", now: now) == 120)
        #expect(WriteOutcome.retryAfterSeconds("-3", now: now) == nil && WriteOutcome.retryAfterSeconds("tomorrow", now: now) == nil)
        #expect(WriteOutcome.of(status: 429, retryAfter: "Sun, 06 Nov 1994 08:49:48 GMT", attempt: 1, now: now) == .retry(after: 11))
        #expect(WriteOutcome.of(status: 503, retryAfter: "Sun, 06 Nov 1994 09:49:37 GMT", attempt: 1, now: now) == .retry(after: WriteOutcome.maxRetryAfter))
    }
}
