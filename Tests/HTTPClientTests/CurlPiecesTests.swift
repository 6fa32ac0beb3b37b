@testable import HTTPClient
import Testing

/// The pure parts of the libcurl transport: reading response heads, naming failures, checking
/// requests before they reach C.
struct CurlPiecesTests {
    @Test func onlyTheLastResponseHeadCounts() {
        let raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Acs-Request-Id:  r-1 \r\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\n"
        let headers = ResponseHead.headers(of: raw)
        #expect(headers["content-type"] == "application/json")
        #expect(headers["X-ACS-REQUEST-ID"] == "r-1", "blanks around the value are trimmed")
        #expect(headers.fields.filter { $0.name == "Set-Cookie" }.map(\.value) == ["a", "b"], "repeated fields are kept in order")
        #expect(ResponseHead.headers(of: raw).fields.count == 4, "the interim answer adds nothing")
    }

    @Test func proxyAnswersAndMalformedLinesAreIgnored() {
        let raw = "HTTP/1.1 200 Connection established\nProxy-Agent: p\n\nHTTP/2 404\ncontent-length: 0\n folded: no\nno colon here\n: empty name\n"
        let headers = ResponseHead.headers(of: raw)
        #expect(headers.fields.map(\.name) == ["content-length"])
        #expect(headers["proxy-agent"] == nil)
        #expect(ResponseHead.headers(of: "").fields.isEmpty)
    }

    @Test(arguments: [
        (7, TransportError.Kind.connectFailed), (6, .connectFailed), (5, .connectFailed), (28, .timedOut), (42, .cancelled),
        (52, .connectionLost), (56, .connectionLost), (55, .connectionLost), (18, .connectionLost), (3, .invalidRequest),
        (60, .other), (35, .other), (23, .other),
    ])
    func resultCodesHaveKinds(code: Int, kind: TransportError.Kind) {
        let error = CurlResult.error(code: code, description: "d", failureText: "", bodyTooLarge: false, headTooLarge: false, deadline: .total(2))
        #expect(error?.kind == kind)
    }

    @Test func successSizeCapsAndQueryStringsInMessages() throws {
        #expect(CurlResult.error(code: 0, description: "No error", failureText: "", bodyTooLarge: false, headTooLarge: false, deadline: .total(1)) == nil)
        let capped = CurlResult.error(code: 23, description: "Failed writing received data", failureText: "", bodyTooLarge: true, headTooLarge: false, deadline: .total(1))
        #expect(capped?.kind == .responseTooLarge)
        let timedOut = try #require(CurlResult.error(code: 28, description: "Timeout was reached", failureText: "x", bodyTooLarge: false, headTooLarge: false, deadline: .total(1.5)))
        #expect(timedOut.detail.contains("within 1.5 s"))
        let stalled = CurlResult.error(code: 28, description: "Timeout was reached", failureText: "", bodyTooLarge: false, headTooLarge: false,
                                       deadline: .stall(30))
        #expect(stalled?.kind == .timedOut && stalled?.detail.contains("stalled for 30.0 s") == true)
        let unwritable = CurlResult.error(code: 23, description: "Failed writing received data", failureText: "", bodyTooLarge: false,
                                          headTooLarge: false, fileWriteFailure: "No space left on device", deadline: .stall(30))
        #expect(unwritable?.kind == .other && unwritable?.detail == "writing the file failed: No space left on device")
        let leaky = try #require(CurlResult.error(
            code: 3, description: "URL using bad/illegal format or missing URL",
            failureText: "bad URL https://vod.example.com/?SecurityToken=SECRET&Signature=x", bodyTooLarge: false, headTooLarge: false, deadline: .total(1)))
        #expect(!leaky.detail.contains("SECRET") && !leaky.detail.contains("Signature"))
        #expect(leaky.detail.contains("libcurl error 3") && leaky.detail.contains("vod.example.com"))
    }

    @Test func withoutLibcurlEveryCallSaysWhyAndHowToFixIt() async {
        let transport = UnavailableTransport(error: CurlTransport.unavailable("libcurl.so.4 could not be loaded: not found"))
        let error = await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(method: .get, url: "https://vod.cn-shanghai.aliyuncs.com/"), timeout: 1)
        }
        #expect(error?.kind == .clientUnavailable && error?.mayHaveReachedServer == false)
        #expect(error?.detail == "libcurl.so.4 could not be loaded: not found (install libcurl: apt-get install libcurl4)")
    }

    @Test func requestsAreCheckedBeforeTheyReachC() throws {
        for url in ["https://vod.cn-shanghai.aliyuncs.com/?a=1", "http://127.0.0.1:8080/", "HTTPS://Example.com"] {
            #expect(HTTPRequest.isAbsoluteHTTPURL(url), "\(url)")
        }
        for url in ["ftp://x/", "file:///etc/passwd", "http:///path", "https://", "http://a b/", "http://x/\n", "//x/", "x"] {
            #expect(!HTTPRequest.isAbsoluteHTTPURL(url), "\(url)")
        }
        #expect(CurlRequest.isToken("x-acs-signature-nonce") && CurlRequest.isToken("Content-Type"))
        #expect(!CurlRequest.isToken("") && !CurlRequest.isToken("a b") && !CurlRequest.isToken("a:b") && !CurlRequest.isToken("é"))
        #expect(throws: TransportError.self) {
            _ = try CurlRequest(HTTPRequest(method: .get, url: "http://x/", headers: HTTPHeaders([("A", "1\r\nB: 2")])), deadline: .total(1))
        }
        _ = try CurlRequest(HTTPRequest(method: .post, url: "http://x/", headers: HTTPHeaders([("A", "")]), body: [1, 2]), deadline: .total(1))
    }
}
