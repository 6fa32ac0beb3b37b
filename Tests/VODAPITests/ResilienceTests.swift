import HTTPClient
import Synchronization
import Testing
import TestSupport
@testable import VODAPI

@Suite("Error classification, retry hints, retry policy and rate limiting")
struct ResilienceTests {
    @Test("error codes map to categories", arguments: [
        ("Throttling", 503, APIError.Category.throttled),
        ("Throttling.User", 400, .throttled),
        ("Throttling.Api", 400, .throttled),
        ("ServiceUnavailable", 503, .serverError),
        ("ServiceUnAvailable", 503, .serverError),
        ("InternalError", 500, .serverError),
        ("SomethingNew", 502, .serverError),
        ("InvalidAccessKeyId.NotFound", 404, .authentication),
        ("InvalidAccessKeyId.Inactive", 400, .authentication),
        ("SignatureDoesNotMatch", 400, .authentication),
        ("InvalidSecurityToken.Expired", 400, .authentication),
        ("InvalidTimeStamp.Expired", 400, .authentication),
        ("Forbidden.RAM", 403, .authentication),
        ("OperationDenied.Suspended", 403, .authentication),
        ("InvalidParameter", 400, .request),
        ("InvalidStartTime.Malformed", 400, .request),
        ("QuotaExceeded.Refresh", 400, .request),
    ])
    func categories(code: String, status: Int, category: APIError.Category) {
        #expect(APIError.classify(code: code, status: status) == category)
    }

    @Test("the JSON envelope, with either key case")
    func envelope() {
        let upper = APIErrorParser.parse(FakeTransport.json(
            #"{"RequestId":"R1","HostId":"vod.cn-shanghai.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control.","Recommend":"https://api.aliyun.com/troubleshoot?q=Throttling.User"}"#,
            status: 400))
        #expect(upper.code == "Throttling.User" && upper.requestId == "R1" && upper.hostId == "vod.cn-shanghai.aliyuncs.com")
        #expect(upper.recommend?.hasPrefix("https://api.aliyun.com/troubleshoot") == true)
        #expect(upper.category == .throttled)
        let lower = APIErrorParser.parse(FakeTransport.json(#"{"requestId":"r2","code":"InternalError","message":"boom"}"#, status: 500))
        #expect(lower.code == "InternalError" && lower.requestId == "r2" && lower.message == "boom")
    }

    @Test("XML error documents and bodies without an envelope")
    func otherBodies() {
        let xml = APIErrorParser.parse(FakeTransport.json(
            "<?xml version='1.0'?><Error><RequestId>X1</RequestId><Code>InvalidVersion</Code><Message>bad</Message></Error>", status: 400))
        #expect(xml.code == "InvalidVersion" && xml.requestId == "X1")
        let bare = APIErrorParser.parse(TransportResponse(status: 502, body: Array("<html>bad gateway</html>".utf8)))
        #expect(bare.code == "HTTP502" && bare.category == .serverError)
    }

    @Test("a server's echoed string to sign is removed from the message")
    func stringToSignRemoved() {
        let error = APIErrorParser.parse(FakeTransport.json(
            #"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:GET&%2F&SecurityToken%3DTOKEN123"}"#,
            status: 400))
        #expect(!error.message.contains("TOKEN123"))
        #expect(error.message.contains("[string to sign omitted]"))
    }

    @Test("retry hints: x-acs-retry-after and the largest x-ratelimit TimeLeft, in ms, capped")
    func hints() {
        #expect(RetryHints.delay(from: HTTPHeaders([("x-acs-retry-after", "1500")])) == 1.5)
        #expect(RetryHints.delay(from: HTTPHeaders([("x-acs-retry-after", "-5")])) == nil)
        #expect(RetryHints.delay(from: HTTPHeaders([("x-acs-retry-after", "soon")])) == nil)
        #expect(RetryHints.delay(from: HTTPHeaders([
            ("X-RateLimit-User", "Limit:1,Remain:0,TimeLeft:2000,Reset:1234"),
            ("x-ratelimit-user-api", "Limit:1,Remain:0,TimeLeft:3500,Reset:1"),
        ])) == 3.5)
        #expect(RetryHints.delay(from: HTTPHeaders([("x-acs-retry-after", "999999999")])) == 120)
        #expect(RetryHints.delay(from: HTTPHeaders()) == nil)
    }

    static func api(_ code: String, _ status: Int, retryAfter: Double? = nil) -> VODClientError {
        .api(action: "A", APIError(status: status, code: code, message: "", retryAfter: retryAfter))
    }

    static func transport(_ kind: TransportError.Kind) -> VODClientError {
        .transport(action: "A", TransportError(kind: kind, detail: ""))
    }

    @Test("what is retried, for reads and for quota-consuming calls")
    func retryable() {
        let policy = RetryPolicy()
        #expect(policy.isRetryable(Self.api("Throttling", 503), consumesQuota: false))
        #expect(policy.isRetryable(Self.api("Throttling", 503), consumesQuota: true), "throttled: the server refused it")
        #expect(policy.isRetryable(Self.api("InternalError", 500), consumesQuota: false))
        #expect(!policy.isRetryable(Self.api("InternalError", 500), consumesQuota: true))
        #expect(!policy.isRetryable(Self.api("SignatureDoesNotMatch", 400), consumesQuota: false))
        #expect(!policy.isRetryable(Self.api("InvalidParameter", 400), consumesQuota: false))
        #expect(policy.isRetryable(Self.transport(.timedOut), consumesQuota: false))
        #expect(!policy.isRetryable(Self.transport(.timedOut), consumesQuota: true), "may have reached the server")
        #expect(!policy.isRetryable(Self.transport(.connectionLost), consumesQuota: true))
        #expect(policy.isRetryable(Self.transport(.connectFailed), consumesQuota: true), "never sent")
        #expect(!policy.isRetryable(Self.transport(.cancelled), consumesQuota: false))
        #expect(!policy.isRetryable(Self.transport(.clientUnavailable), consumesQuota: false), "no HTTP client: retrying cannot help")
        #expect(!policy.isRetryable(.decoding(action: "A", requestId: nil, ResponseDecodingError(path: "$", problem: "")), consumesQuota: false))
    }

    @Test("backoff doubles with full jitter, stops at maxAttempts and honours hints")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: 1, maxDelay: 3)
        let error = Self.api("InternalError", 500)
        #expect(policy.delay(afterAttempt: 1, error: error, consumesQuota: false, jitter: 1) == 1)
        #expect(policy.delay(afterAttempt: 2, error: error, consumesQuota: false, jitter: 1) == 2)
        #expect(policy.delay(afterAttempt: 3, error: error, consumesQuota: false, jitter: 1) == 3, "capped at maxDelay")
        #expect(policy.delay(afterAttempt: 3, error: error, consumesQuota: false, jitter: 0.5) == 1.5)
        #expect(policy.delay(afterAttempt: 4, error: error, consumesQuota: false, jitter: 1) == nil)
        let hinted = Self.api("Throttling.User", 400, retryAfter: 7)
        #expect(policy.delay(afterAttempt: 1, error: hinted, consumesQuota: false, jitter: 0.1) == 7)
        #expect(RetryPolicy.none.delay(afterAttempt: 1, error: error, consumesQuota: false, jitter: 0) == nil)
    }

    @Test("token bucket: a burst, then even spacing at the rate")
    func tokenBucket() {
        var bucket = TokenBucket(rate: 10, burst: 2, now: 0)
        #expect(bucket.reserve(now: 0) == 0)
        #expect(bucket.reserve(now: 0) == 0)
        #expect(abs(bucket.reserve(now: 0) - 0.1) < 1e-9)
        #expect(abs(bucket.reserve(now: 0) - 0.2) < 1e-9)
        #expect(bucket.reserve(now: 10) == 0, "refilled after a quiet period")
        bucket.pause(for: 2, now: 10)
        #expect(bucket.reserve(now: 10) >= 2)
    }

    @Test("the gate caps calls in flight")
    func concurrencyCap() async throws {
        let gate = RequestGate(maxQPS: 10_000, burst: 10_000, maxConcurrent: 3)
        let peak = PeakCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<24 {
                group.addTask {
                    try await gate.withPermit {
                        await peak.enter()
                        try await Task.sleep(for: .milliseconds(5))
                        await peak.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await peak.peak == 3)
        #expect(await gate.callsInFlight == 0)
    }

    @Test("bulk calls never take the slots reserved for the priority lane")
    func lanes() async throws {
        let gate = RequestGate(maxQPS: 10_000, burst: 10_000, maxConcurrent: 4)
        #expect(gate.reservedForPriority == 1)
        let release = AsyncStream<Void>.makeStream()
        let entered = AsyncStream<String>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Four bulk calls that do not finish until released: three get slots, one waits.
            for index in 0..<4 {
                group.addTask {
                    try await gate.withPermit(lane: .bulk) {
                        entered.continuation.yield("bulk \(index)")
                        for await _ in release.stream { break }
                    }
                }
            }
            var iterator = entered.stream.makeAsyncIterator()
            for _ in 0..<3 { _ = await iterator.next() }
            #expect(await gate.callsInFlight == 3, "the fourth slot is kept for priority calls")
            // A priority call gets the reserved slot at once.
            try await gate.withPermit(lane: .priority) { _ = entered.continuation.yield("priority") }
            #expect(await iterator.next() == "priority")
            for _ in 0..<4 { release.continuation.yield() }
            release.continuation.finish()
            try await group.waitForAll()
        }
        #expect(await gate.callsInFlight == 0)
        #expect(RequestGate(maxQPS: 1, burst: 1, maxConcurrent: 1).reservedForPriority == 0, "one slot serves every lane")
    }

    /// Three bulk calls at 1/s (one now, two waiting for tokens); a background call at 0.1 s;
    /// a bulk call at 0.5 s and a priority one at 2.5 s go before it: it has the first token
    /// nobody else waits for.
    @Test("background calls wait until no other call waits for a slot or a token (virtual time)")
    func backgroundLane() async throws {
        let time = VirtualTime(epoch: 0)
        let gate = RequestGate(maxQPS: 1, burst: 1, maxConcurrent: 8, time: time)
        let started = StartTimes()
        await time.run {
            let calls: [(String, RequestGate.Lane, Double)] = [
                ("a", .bulk, 0), ("b", .bulk, 0), ("c", .bulk, 0), ("billing", .background, 0.1), ("d", .bulk, 0.5), ("realtime", .priority, 2.5),
            ]
            await withTaskGroup(of: Void.self) { group in
                for (name, lane, at) in calls {
                    group.addTask {
                        try? await time.sleep(seconds: at)
                        try? await gate.withPermit(lane: lane) { started.record(name, at: time.monotonic()) }
                    }
                }
            }
        }
        #expect(started.all == ["a": 0, "b": 1, "c": 2, "d": 3, "realtime": 4, "billing": 5])
    }

    @Test("background calls hold at most half the bulk slots")
    func backgroundSlots() async throws {
        let gate = RequestGate(maxQPS: 10_000, burst: 10_000, maxConcurrent: 8)
        #expect(gate.maxBackground == 3 && RequestGate(maxQPS: 1, burst: 1, maxConcurrent: 1).maxBackground == 1)
        let release = AsyncStream<Void>.makeStream()
        let entered = AsyncStream<String>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<5 {
                group.addTask {
                    try await gate.withPermit(lane: .background) {
                        entered.continuation.yield("background \(index)")
                        for await _ in release.stream { break }
                    }
                }
            }
            var iterator = entered.stream.makeAsyncIterator()
            for _ in 0..<3 { _ = await iterator.next() }
            #expect(await gate.callsInFlight == 3, "two wait")
            // A bulk call still has the rest of its lane.
            try await gate.withPermit(lane: .bulk) { _ = entered.continuation.yield("bulk") }
            #expect(await iterator.next() == "bulk")
            for _ in 0..<5 { release.continuation.yield() }
            release.continuation.finish()
            try await group.waitForAll()
        }
        #expect(await gate.callsInFlight == 0)
    }

    @Test("the gate spaces calls at the configured rate (virtual time)")
    func rateSpacing() async throws {
        let time = ManualTime(now: 0)
        let gate = RequestGate(maxQPS: 5, burst: 1, maxConcurrent: 1, time: time)
        for _ in 0..<6 {
            try await gate.withPermit { }
        }
        // The first call is free; the next five each wait 0.2 s of virtual time.
        #expect(time.sleeps.count == 5)
        #expect(abs(time.now() - 1.0) < 1e-9)
    }
}

/// When each named call started.
final class StartTimes: Sendable {
    private let times = Mutex<[String: Double]>([:])
    func record(_ name: String, at time: Double) { times.withLock { $0[name] = time } }
    var all: [String: Double] { times.withLock { $0 } }
}

actor PeakCounter {
    private var current = 0
    private(set) var peak = 0
    func enter() {
        current += 1
        peak = max(peak, current)
    }
    func leave() { current -= 1 }
}
