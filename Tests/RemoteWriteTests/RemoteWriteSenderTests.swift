import HTTPClient
import Primitives
import RemoteWrite
import Synchronization
import Testing
import TestSupport

/// The sender against a scripted receiver: batches, retries with the receiver's delay or backoff,
/// no retry on a refusal. Waits are recorded, not slept.
@Suite struct RemoteWriteSenderTests {
    /// Answers from a script, one per request, recording what was sent.
    final class ScriptedReceiver: HTTPTransport {
        let answers: Mutex<[Result<TransportResponse, TransportError>]>
        let requests = Mutex<[HTTPRequest]>([])

        init(_ answers: [Result<TransportResponse, TransportError>]) {
            self.answers = Mutex(answers)
        }

        func send(_ request: HTTPRequest, timeout: Double) async throws(TransportError) -> TransportResponse {
            requests.withLock { $0.append(request) }
            let next = answers.withLock { $0.isEmpty ? .success(TransportResponse(status: 204)) : $0.removeFirst() }
            return try next.get()
        }
    }

    /// The waits the sender asked for.
    final class Waits: Sendable {
        let values = Mutex<[Double]>([])
        var all: [Double] { values.withLock { $0 } }
    }

    static func sender(_ receiver: ScriptedReceiver, waits: Waits) -> RemoteWriteSender {
        RemoteWriteSender(url: "http://127.0.0.1:9/api/v1/write", headers: { [("Authorization", "Bearer t")] }, transport: receiver, timeout: 5,
                          maxAttempts: 4, pause: { seconds in waits.values.withLock { $0.append(seconds) } })
    }

    static let series = [RemoteWriteSeries(labels: ["__name__": "x", "domain": "d"], samples: (0..<25_000).map { .init(value: Double($0), timestampMilliseconds: Int64($0)) })]

    @Test func batchesOfTenThousandWithTheProtocolsHeaders() async throws {
        let receiver = ScriptedReceiver([])
        let waits = Waits()
        #expect(try await Self.sender(receiver, waits: waits).send(Self.series) == 25_000)
        let requests = receiver.requests.withLock { $0 }
        #expect(requests.count == 3)
        #expect(try requests.map { try WriteRequestDecoder.samples(body: $0.body).count } == [10_000, 10_000, 5_000])
        let headers = try #require(requests.first?.headers)
        #expect(headers["content-encoding"] == "snappy" && headers["content-type"] == "application/x-protobuf")
        #expect(headers["x-prometheus-remote-write-version"] == "0.1.0" && headers["authorization"] == "Bearer t")
        #expect(waits.all.isEmpty)
    }

    @Test func retriesServerErrorsThrottlingAndLostConnections() async throws {
        let receiver = ScriptedReceiver([
            .success(TransportResponse(status: 503)), .success(TransportResponse(status: 429, headers: HTTPHeaders([("Retry-After", "7")]))),
            .failure(TransportError(kind: .connectFailed, detail: "refused")),
        ])
        let waits = Waits()
        #expect(try await Self.sender(receiver, waits: waits).send([RemoteWriteSeries(labels: ["__name__": "x"], samples: [.init(value: 1, timestampMilliseconds: 0)])]) == 1)
        #expect(waits.all == [1, 7, 4])
        #expect(receiver.requests.withLock { $0.count } == 4)
    }

    /// A 429 whose `Retry-After` is an HTTP-date 11 s ahead: the resend arrives at that date,
    /// not before (virtual time; the sender's clock and sleeps are the test's).
    @Test func aRetryAfterDateIsWaitedFor() async throws {
        let time = VirtualTime(epoch: 1_764_000_000)
        let date = UTCTimestamp.formatHTTPDate(1_764_000_011)
        let receiver = ScriptedReceiver([.success(TransportResponse(status: 429, headers: HTTPHeaders([("Retry-After", date)])))])
        let timed = TimedReceiver(receiver: receiver, time: time)
        let sender = RemoteWriteSender(url: "http://127.0.0.1:9/api/v1/write", headers: { [] }, transport: timed, timeout: 5, maxAttempts: 4,
                                       pause: { try? await time.sleep(seconds: $0) }, time: time)
        let failures = Mutex<[String]>([])
        await time.run {
            try? await sender.deliver(body: [1]) { problem in failures.withLock { $0.append(problem) } }
        }
        #expect(timed.arrivals.withLock { $0 } == [1_764_000_000, 1_764_000_011])
        #expect(failures.withLock { $0 } == ["HTTP 429"])
    }

    /// A `Retry-After` longer than the cap is cut, and the cut is said.
    @Test func aRetryAfterOverTheCapIsSaid() async throws {
        let receiver = ScriptedReceiver([.success(TransportResponse(status: 503, headers: HTTPHeaders([("Retry-After", "3600")])))])
        let waits = Waits()
        let failures = Mutex<[String]>([])
        try await Self.sender(receiver, waits: waits).deliver(body: [1]) { problem in failures.withLock { $0.append(problem) } }
        #expect(waits.all == [300])
        #expect(failures.withLock { $0 } == ["HTTP 503 (Retry-After asked for 3600 s; tried again after the 300 s cap)"])
    }

    /// Stamps each request with the virtual time it arrived.
    final class TimedReceiver: HTTPTransport {
        let receiver: ScriptedReceiver
        let time: VirtualTime
        let arrivals = Mutex<[Double]>([])
        init(receiver: ScriptedReceiver, time: VirtualTime) {
            self.receiver = receiver
            self.time = time
        }
        func send(_ request: HTTPRequest, timeout: Double) async throws(TransportError) -> TransportResponse {
            arrivals.withLock { $0.append(time.now()) }
            return try await receiver.send(request, timeout: timeout)
        }
    }

    @Test func aRefusalIsNotRetriedAndSaysWhy() async {
        let receiver = ScriptedReceiver([.success(TransportResponse(status: 400, body: Array("out of bounds\n".utf8)))])
        let waits = Waits()
        await #expect(throws: RemoteWriteSender.Failure.self) {
            try await Self.sender(receiver, waits: waits).send([RemoteWriteSeries(labels: ["__name__": "x"], samples: [.init(value: 1, timestampMilliseconds: 0)])])
        }
        #expect(receiver.requests.withLock { $0.count } == 1 && waits.all.isEmpty)
    }

    @Test func givesUpAfterItsAttempts() async {
        let receiver = ScriptedReceiver(Array(repeating: .success(TransportResponse(status: 500)), count: 10))
        let waits = Waits()
        await #expect(throws: RemoteWriteSender.Failure.self) {
            try await Self.sender(receiver, waits: waits).send([RemoteWriteSeries(labels: ["__name__": "x"], samples: [.init(value: 1, timestampMilliseconds: 0)])])
        }
        #expect(receiver.requests.withLock { $0.count } == 4 && waits.all == [1, 2, 4])
    }
}
