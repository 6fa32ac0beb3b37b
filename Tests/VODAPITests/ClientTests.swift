import HTTPClient
import Synchronization
import Testing
@testable import VODAPI

@Suite("VODClient against a scripted transport")
struct ClientTests {
    static let key = Credentials(accessKeyId: "LTAI5tTestKeyId0001", accessKeySecret: "s3cr3t-Secret-Value-XYZ")

    /// Attempt records collected from the client's observer.
    final class RecordLog: Sendable {
        private let records = Mutex<[RequestRecord]>([])
        func append(_ record: RequestRecord) { records.withLock { $0.append(record) } }
        var all: [RequestRecord] { records.withLock { $0 } }
    }

    static func makeClient(
        _ transport: FakeTransport, time: ManualTime = ManualTime(), retry: RetryPolicy = RetryPolicy(),
        version: SignatureVersion = .v3, credentials: (any CredentialsProvider)? = nil,
        records: RecordLog? = nil, onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) -> VODClient {
        VODClient(
            configuration: VODClientConfiguration(signatureVersion: version, retryPolicy: retry),
            credentials: credentials ?? StaticCredentialsProvider(key, sourceDescription: "test"),
            transport: transport, gate: RequestGate(maxQPS: 1000, burst: 1000, maxConcurrent: 4, time: time),
            time: time, nonce: { "nonce" }, jitter: { 1 },
            observe: { record in records?.append(record) }, onRetry: onRetry)
    }

    static let quota = #"{"RequestId":"Q","UrlQuota":"2000","UrlRemain":"1","DirQuota":"100","DirRemain":"2","PreloadQuota":"500","PreloadRemain":"3"}"#

    @Test("a successful call is signed, sent once and decoded")
    func success() async throws {
        let transport = FakeTransport { _, _ in FakeTransport.json(Self.quota) }
        let records = RecordLog()
        let client = Self.makeClient(transport, records: records)
        let answer = try await client.call(DescribeVodRefreshQuota())
        #expect(answer.url.remaining == 1)
        #expect(transport.requests.count == 1)
        #expect(transport.requests[0].headers["x-acs-action"] == "DescribeVodRefreshQuota")
        #expect(transport.requests[0].headers["Authorization"]?.hasPrefix("ACS3-HMAC-SHA256 Credential=LTAI5tTestKeyId0001,") == true)
        #expect(records.all == [RequestRecord(action: "DescribeVodRefreshQuota", result: "ok", duration: 0, attempt: 1, requestId: "Q")])
    }

    @Test("a 2xx answer whose body is an error is an API error, never data")
    func errorBodyWithSuccessStatus() async throws {
        let transport = FakeTransport { _, _ in
            FakeTransport.json(#"{"RequestId":"E","Code":"InternalError","Message":"The request processing has failed."}"#)
        }
        let records = RecordLog()
        let client = Self.makeClient(transport, retry: RetryPolicy(maxAttempts: 1), records: records)
        do {
            _ = try await client.call(DescribeVodDomainTrafficData(query: DomainDataQuery(
                domainNames: ["a.example.com"], startTime: 1_764_000_000, endTime: 1_764_003_600, interval: .fiveMinutes)))
            Issue.record("decoded an error body as data")
        } catch {
            #expect(error.apiError?.code == "InternalError" && error.apiError?.status == 200 && error.apiError?.requestId == "E")
        }
        #expect(records.all.map(\.result) == ["server_error"] && records.all.first?.domains == "a.example.com")
        // A success code in the body is data as usual.
        let ok = FakeTransport { _, _ in FakeTransport.json(#"{"RequestId":"Q","Code":"200","UrlQuota":"2000","UrlRemain":"1","DirQuota":"100","DirRemain":"2","PreloadQuota":"500","PreloadRemain":"3"}"#) }
        #expect(try await Self.makeClient(ok).call(DescribeVodRefreshQuota()).url.remaining == 1)
    }

    @Test("throttling is retried after the server's hint, every caller is paused, and each retry is announced")
    func throttlingRetried() async throws {
        let transport = FakeTransport { _, index in
            index < 2
                ? FakeTransport.json(#"{"Code":"Throttling.User","Message":"flow control","RequestId":"T"}"#, status: 400, headers: [("x-acs-retry-after", "2000")])
                : FakeTransport.json(Self.quota)
        }
        let time = ManualTime()
        let records = RecordLog()
        let notices = Mutex<[RetryNotice]>([])
        let client = Self.makeClient(transport, time: time, records: records, onRetry: { notice in notices.withLock { $0.append(notice) } })
        _ = try await client.call(DescribeVodRefreshQuota())
        #expect(transport.requests.count == 3)
        let seen = notices.withLock { $0 }
        #expect(seen.map(\.failedAttempt) == [1, 2] && seen.allSatisfy { $0.reason == "throttled Throttling.User" && $0.wait >= 2 && $0.maxAttempts == 4 })
        #expect(seen.first?.line.hasPrefix("DescribeVodRefreshQuota: attempt 1 of 4 failed (throttled Throttling.User); retrying in ") == true)
        #expect(time.sleeps.filter { $0 >= 2 }.count >= 2, "waited at least the hinted 2 s before each retry")
        #expect(records.all.map(\.result) == ["throttled", "throttled", "ok"])
        #expect(records.all.map(\.attempt) == [1, 2, 3])
    }


    @Test("authentication errors are not retried and carry the envelope")
    func authNotRetried() async throws {
        let transport = FakeTransport { _, _ in
            FakeTransport.json(#"{"Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found.","RequestId":"R9","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidAccessKeyId.NotFound"}"#, status: 404)
        }
        let client = Self.makeClient(transport)
        let error = await #expect(throws: VODClientError.self) { _ = try await client.call(DescribeVodRefreshQuota()) }
        #expect(transport.requests.count == 1)
        #expect(error?.apiError?.requestId == "R9")
        #expect(error?.apiError?.category == .authentication)
        #expect(error?.resultLabel == "auth_error")
    }

    @Test("server errors are retried for reads until attempts run out")
    func serverErrorsExhausted() async throws {
        let transport = FakeTransport { _, _ in FakeTransport.json(#"{"Code":"InternalError","Message":"x"}"#, status: 500) }
        let client = Self.makeClient(transport, retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.1, maxDelay: 1))
        await #expect(throws: VODClientError.self) { _ = try await client.call(DescribeVodRefreshQuota()) }
        #expect(transport.requests.count == 3)
    }

    @Test("refresh is never retried after a timeout (it may have used quota)")
    func refreshNotRetriedAfterTimeout() async throws {
        let transport = FakeTransport { _, _ throws(TransportError) in
            throw TransportError(kind: .timedOut, detail: "slow")
        }
        let client = Self.makeClient(transport)
        let error = await #expect(throws: VODClientError.self) {
            _ = try await client.call(RefreshVodObjectCaches(objectPaths: ["https://v.example.com/a.mp4"]))
        }
        #expect(transport.requests.count == 1)
        #expect(error?.resultLabel == "transport_error")
    }

    @Test("refresh is retried when the connection never opened, and when throttled")
    func refreshRetriedWhenSafe() async throws {
        let transport = FakeTransport { _, index throws(TransportError) in
            switch index {
            case 0: throw TransportError(kind: .connectFailed, detail: "refused")
            case 1: return FakeTransport.json(#"{"Code":"Throttling","Message":"x"}"#, status: 503)
            default: return FakeTransport.json(#"{"RequestId":"r","RefreshTaskId":"11,12"}"#)
            }
        }
        let client = Self.makeClient(transport)
        let answer = try await client.call(RefreshVodObjectCaches(objectPaths: ["https://v.example.com/a.mp4"]))
        #expect(answer.taskIds == ["11", "12"])
        #expect(transport.requests.count == 3)
        #expect(transport.requests[0].method == .post)
    }

    @Test("an invalid request is refused before anything is sent")
    func invalidRequest() async {
        let transport = FakeTransport { _, _ in FakeTransport.json("{}") }
        let client = Self.makeClient(transport)
        let error = await #expect(throws: VODClientError.self) {
            _ = try await client.call(DescribeVodDomainTrafficData(query: .init(startTime: 0)))
        }
        #expect(transport.requests.isEmpty)
        #expect(error?.resultLabel == "invalid_request")
    }

    @Test("a malformed success body is a decode error with the request id")
    func decodeError() async {
        let transport = FakeTransport { _, _ in FakeTransport.json(#"{"RequestId":"RID","UrlQuota":"lots"}"#) }
        let client = Self.makeClient(transport)
        let error = await #expect(throws: VODClientError.self) { _ = try await client.call(DescribeVodRefreshQuota()) }
        let decoding: (String?, ResponseDecodingError)? = {
            if case .decoding(_, let requestId, let inner)? = error { return (requestId, inner) }
            return nil
        }()
        #expect(decoding?.0 == "RID")
        #expect(decoding?.1.path == "UrlQuota")
    }

    @Test("allUserDomains walks every page until TotalCount")
    func paging() async throws {
        let transport = FakeTransport { request, _ in
            let page = request.url.contains("PageNumber=2") ? "user_domains_page2" : "user_domains_page1"
            return TransportResponse(status: 200, body: (try? Fixture.bytes(page)) ?? [])
        }
        let client = Self.makeClient(transport)
        let domains = try await client.allUserDomains()
        #expect(domains.map(\.name) == ["a.example.com", "b.example.com", "c.example.com"])
        #expect(transport.requests.count == 2)
        #expect(transport.requests.allSatisfy { $0.url.contains("PageSize=50") })
    }

    @Test("paging stops when a server repeats the same page")
    func pagingStopsOnRepeats() async throws {
        let transport = FakeTransport { _, _ in
            FakeTransport.json(#"{"TotalCount":100,"Domains":{"PageData":[{"DomainName":"a.example.com"}]}}"#)
        }
        let client = Self.makeClient(transport)
        let domains = try await client.allUserDomains()
        #expect(domains.count == 1)
        #expect(transport.requests.count == 2)
    }

    @Test("V2 clients send Action and Signature as query parameters")
    func v2Client() async throws {
        let transport = FakeTransport { _, _ in FakeTransport.json(Self.quota) }
        let client = Self.makeClient(transport, version: .v2)
        _ = try await client.call(DescribeVodRefreshQuota())
        let url = transport.requests[0].url
        #expect(url.contains("Action=DescribeVodRefreshQuota") && url.contains("&Signature="))
        #expect(transport.requests[0].headers["Authorization"] == nil)
    }
}
