import Testing
import TestSupport
@testable import WebServer

@Suite struct HTTPRequestParserTests {
    static let valid: [String] = [
        "GET /metrics HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /metrics?x=1 HTTP/1.0\r\n\r\n",
        "GET /-/healthy HTTP/1.1\nHost: a\nConnection: close\n\n",
        "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Pad:   v  \t\r\n\r\n",
        "GET http://example.com:9/metrics?a HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /metrics HTTP/1.1\r\nHost: a\r\n\r\n",
    ]

    private func parse(_ text: String, limits: HTTPParseLimits = HTTPParseLimits()) -> HTTPRequestParser.Outcome {
        HTTPRequestParser.parse(Array(text.utf8)[...], limits: limits)
    }

    @Test func fieldsOfAFullRequest() {
        guard case .complete(let head, let consumed) = parse(Self.valid[0] + "GET /next") else {
            Issue.record("not parsed")
            return
        }
        #expect(consumed == Self.valid[0].utf8.count)
        #expect(head.method == "GET" && head.target == "/metrics" && head.version == .http11)
        #expect(head.header("ACCEPT-ENCODING") == "gzip" && head.header("host") == "a")
        #expect(head.shouldKeepAlive)
    }

    @Test func targetsVersionsAndKeepAlive() {
        func head(_ index: Int) -> HTTPRequestHead? {
            if case .complete(let head, _) = parse(Self.valid[index]) { return head }
            return nil
        }
        #expect(head(2)?.path == "/metrics" && head(2)?.version == .http10 && head(2)?.shouldKeepAlive == false)
        #expect(head(3)?.shouldKeepAlive == false)
        #expect(head(4)?.header("x-empty") == "" && head(4)?.header("x-pad") == "v")
        #expect(head(5)?.target == "/metrics?a")
        #expect(head(6)?.target == "*")
        guard case .complete(let keepAlive10, _) = parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") else {
            Issue.record("not parsed")
            return
        }
        #expect(keepAlive10.shouldKeepAlive)
    }

    /// Fed one byte more at a time, a valid request is incomplete at every cut and parses to the
    /// same head once whole.
    @Test(arguments: valid)
    func splitAtEveryByteBoundary(text: String) {
        let bytes = Array(text.utf8)
        let whole = HTTPRequestParser.parse(bytes[...])
        guard case .complete = whole else {
            Issue.record("whole request did not parse: \(whole)")
            return
        }
        for cut in 0..<bytes.count {
            #expect(HTTPRequestParser.parse(bytes[..<cut]) == .incomplete, "cut at \(cut)")
        }
    }

    @Test(arguments: [
        ("GET /\r\n\r\n", 400), ("GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", 400), ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400), ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505), ("GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505), ("GET metrics HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost: a\u{1}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost: a\r\n:empty\r\n\r\n", 400),
        ("GET /\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", 400), ("\r\rGET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 413),
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 000\r\n\r\n", 0),
    ])
    func malformedRequests(text: String, status: Int) {
        switch parse(text) {
        case .failed(let error): #expect(error.status.rawValue == status, "\(error)")
        case .complete: #expect(status == 0, "accepted")
        case .incomplete: Issue.record("incomplete")
        }
    }

    @Test func limits() {
        let limits = HTTPParseLimits(maxHeadBytes: 8192, maxTargetBytes: 2048, maxHeaderCount: 100)
        let longTarget = "/" + String(repeating: "a", count: 2048)
        #expect(parse("GET \(longTarget) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) == .failed(HTTPParseError(.uriTooLong, "request target longer than 2048 bytes")))
        // Refused before the line is complete: a client cannot trickle a huge target in.
        #expect(parse("GET \(longTarget)", limits: limits) == .failed(HTTPParseError(.uriTooLong, "request target longer than 2048 bytes")))
        let okTarget = "/" + String(repeating: "a", count: 2047)
        if case .complete = parse("GET \(okTarget) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) {} else { Issue.record("2048-byte target refused") }

        let bigHeader = "X-Big: " + String(repeating: "b", count: 8192) + "\r\n"
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n" + bigHeader + "\r\n", limits: limits) == .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "request head too large")))
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n" + bigHeader, limits: limits) == .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "request head too large")))
        let manyHeaders = (0...100).map { "X-\($0): v\r\n" }.joined()
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n" + manyHeaders + "\r\n", limits: limits) == .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "more than 100 header fields")))
        #expect(parse(String(repeating: "\r\n", count: 5000), limits: limits) == .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "request head too large")))
        #expect(parse(String(repeating: "A", count: 40), limits: limits) == .failed(HTTPParseError(.badRequest, "method too long")))
    }

    /// Random bytes and random mutations of valid requests: the parser answers every one of them,
    /// and a cut never turns a refusal into a different request.
    @Test func neverTrapsOnArbitraryInput() {
        var generator = SeededGenerator(seed: 42)
        let alphabet = Array("GET /HTP1.0\r\n:Hostabc \t\u{0}\u{7F}?*-".utf8) + [0xC3, 0xA9, 0xFF]
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...200, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            } else {
                bytes = Array(Self.valid.randomElement(using: &generator)!.utf8)
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(alphabet.randomElement(using: &generator)!, at: index)
                    }
                }
            }
            let whole = HTTPRequestParser.parse(bytes[...])
            if case .complete(_, let consumed) = whole {
                #expect(consumed <= bytes.count)
                // Every strict prefix of a complete head is incomplete or already refused.
                for cut in stride(from: 0, to: consumed, by: 7) {
                    if case .complete = HTTPRequestParser.parse(bytes[..<cut]) { Issue.record("prefix \(cut) of \(bytes) parsed") }
                }
            }
        }
    }
}

@Suite struct RequestBodyTests {
    @Test func bodiesWithinTheLimitAreAnnounced() {
        let limits = HTTPParseLimits(maxBodyBytes: 100)
        let text = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        guard case .complete(let head, let consumed) = HTTPRequestParser.parse(Array(text.utf8)[...], limits: limits) else {
            Issue.record("not parsed")
            return
        }
        #expect(head.contentLength == 5 && consumed == text.utf8.count - 5)
        #expect(HTTPRequestParser.parse(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n".utf8)[...], limits: limits)
                == .failed(HTTPParseError(.contentTooLarge, "request body larger than 100 bytes")))
        #expect(HTTPRequestParser.parse(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n".utf8)[...], limits: limits)
                == .failed(HTTPParseError(.contentTooLarge, "request body larger than 100 bytes")))
        #expect(HTTPRequestParser.parse(Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)[...], limits: limits)
                == .failed(HTTPParseError(.contentTooLarge, "chunked request bodies are not accepted")))
    }
}
