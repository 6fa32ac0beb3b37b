import Primitives
import RemoteWrite
import VODAPI

/// Sends series to a Prometheus remote-write receiver (Prometheus with
/// `--web.enable-remote-write-receiver`, Mimir, Thanos Receive, VictoriaMetrics, Cortex):
/// batches of at most 10,000 samples, each retried with backoff on 5xx, 429 and network failures
/// (after `Retry-After` when given), never on other refusals.
struct RemoteWriteSender: Sendable {
    /// Why samples could not be delivered.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let batchSamples = 10_000

    let url: String
    /// Authorization and any other headers besides the protocol's own.
    let headers: [(name: String, value: String)]
    let transport: any HTTPTransport
    let timeout: Double
    let maxAttempts: Int
    /// Waits between attempts (injected: tests do not sleep).
    let pause: @Sendable (Double) async -> Void

    /// Sends every sample of `series`; returns how many were accepted.
    func send(_ series: [RemoteWriteSeries]) async throws(Failure) -> Int {
        var sent = 0
        for batch in Self.batches(series) {
            try await deliver(batch)
            sent += batch.reduce(0) { $0 + $1.samples.count }
        }
        return sent
    }

    /// `series` cut into requests of at most ``batchSamples`` samples (a long series is split).
    static func batches(_ series: [RemoteWriteSeries]) -> [[RemoteWriteSeries]] {
        var batches: [[RemoteWriteSeries]] = []
        var current: [RemoteWriteSeries] = []
        var count = 0
        for one in series {
            var rest = one.samples[...]
            while !rest.isEmpty {
                let take = min(rest.count, batchSamples - count)
                var piece = one
                piece.samples = Array(rest.prefix(take))
                current.append(piece)
                count += take
                rest = rest.dropFirst(take)
                if count == batchSamples {
                    batches.append(current)
                    current = []
                    count = 0
                }
            }
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    private func deliver(_ batch: [RemoteWriteSeries]) async throws(Failure) {
        let body = WriteRequest.body(batch)
        let requestHeaders = HTTPHeaders(WriteRequest.headers + headers + [("User-Agent", ProductVersion.userAgent)])
        for attempt in 1...maxAttempts {
            let wait: Double
            do {
                let answer = try await transport.send(HTTPRequest(method: .post, url: url, headers: requestHeaders, body: body), timeout: timeout)
                switch WriteOutcome.of(status: answer.status, retryAfter: answer.headers["retry-after"], attempt: attempt) {
                case .accepted:
                    return
                case .retry(let seconds):
                    wait = seconds
                case .refused(let status):
                    let message = String(decoding: answer.body.prefix(300), as: UTF8.self).trimmingWhitespace()
                    throw Failure(description: "the receiver refused the samples: HTTP \(status)\(message.isEmpty ? "" : ": \(message)")")
                }
            } catch let error as Failure {
                throw error
            } catch {
                wait = WriteOutcome.backoff(attempt: attempt)
            }
            if attempt < maxAttempts { await pause(wait) }
        }
        throw Failure(description: "the receiver did not take the samples after \(maxAttempts) attempts")
    }
}
