import HTTPClient
import Primitives

/// Sends series to a Prometheus remote-write receiver (Prometheus with
/// `--web.enable-remote-write-receiver`, Mimir, Thanos Receive, VictoriaMetrics, Cortex):
/// requests of at most ``WriteRequest/maxSamples`` samples, each retried with backoff on 5xx, 429
/// and network failures (after `Retry-After` when given), never on other refusals.
public struct RemoteWriteSender: Sendable {
    /// Why samples could not be delivered.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The receiver answered with a status that forbids a resend (a 4xx other than 429):
        /// sending the same data again cannot help.
        public let refused: Bool

        public init(description: String, refused: Bool) {
            self.description = description
            self.refused = refused
        }
    }

    public let url: String
    /// User-Agent, authorization and any other headers besides the protocol's own, made anew
    /// for every request (secrets in files may be rotated).
    let headers: @Sendable () throws(Failure) -> [(name: String, value: String)]
    let transport: any HTTPTransport
    let timeout: Double
    let maxAttempts: Int
    /// Waits between attempts (injected: tests do not sleep).
    let pause: @Sendable (Double) async -> Void
    /// The wall clock, for `Retry-After` given as a date.
    let time: any TimeSource

    /// - Parameters:
    ///   - maxAttempts: tries per request before giving up (`Int.max`: until the task is cancelled).
    ///   - pause: sleeps between attempts.
    public init(url: String, headers: @escaping @Sendable () throws(Failure) -> [(name: String, value: String)], transport: any HTTPTransport, timeout: Double, maxAttempts: Int,
                pause: @escaping @Sendable (Double) async -> Void, time: any TimeSource = SystemTimeSource()) {
        precondition(maxAttempts >= 1, "at least one attempt")
        self.url = url
        self.headers = headers
        self.transport = transport
        self.time = time
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.pause = pause
    }

    /// Sends every sample of `series`; returns how many were accepted.
    public func send(_ series: [RemoteWriteSeries]) async throws(Failure) -> Int {
        var sent = 0
        for batch in WriteRequest.batches(series) {
            try await deliver(body: WriteRequest.body(batch))
            sent += batch.reduce(0) { $0 + $1.samples.count }
        }
        return sent
    }

    /// Sends one encoded request (``WriteRequest/body(_:)``) until the receiver takes it.
    /// - Parameter attemptFailed: told why each attempt that will be retried failed.
    /// - Throws: `Failure` when the receiver refuses the request, the attempts run out or the
    ///   task is cancelled.
    public func deliver(body: [UInt8], attemptFailed: (String) -> Void = { _ in }) async throws(Failure) {
        var attempt = 0
        while attempt < maxAttempts {
            attempt += 1
            if Task.isCancelled { throw Failure(description: "stopped before the receiver took the samples", refused: false) }
            var wait: Double
            var problem: String
            do {
                let requestHeaders = HTTPHeaders(WriteRequest.headers + (try headers()))
                let answer = try await transport.send(HTTPRequest(method: .post, url: url, headers: requestHeaders, body: body), timeout: timeout)
                let message = String(decoding: answer.body.prefix(300), as: UTF8.self).trimmingWhitespace()
                problem = "HTTP \(answer.status)\(message.isEmpty ? "" : ": \(message)")"
                let retryAfter = answer.headers["retry-after"]
                let now = time.now()
                switch WriteOutcome.of(status: answer.status, retryAfter: retryAfter, attempt: attempt, now: now) {
                case .accepted:
                    return
                case .retry(let seconds):
                    wait = seconds
                    if let asked = retryAfter.flatMap({ WriteOutcome.retryAfterSeconds($0, now: now) }), asked > seconds {
                        problem += " (Retry-After asked for \(Int(asked)) s; tried again after the \(Int(seconds)) s cap)"
                    }
                case .refused:
                    throw Failure(description: "the receiver refused the samples: \(problem)", refused: true)
                }
            } catch let error as Failure where error.refused {
                throw error
            } catch {
                problem = (error as? Failure)?.description ?? "\(error)"
                wait = WriteOutcome.backoff(attempt: attempt)
            }
            guard attempt < maxAttempts else {
                throw Failure(description: "the receiver did not take the samples after \(maxAttempts) attempts (last: \(problem))", refused: false)
            }
            attemptFailed(problem)
            await pause(wait)
        }
        throw Failure(description: "the receiver did not take the samples", refused: false)
    }
}
