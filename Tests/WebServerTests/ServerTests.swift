import Dispatch
import Exposition
import Foundation
import Gzip
import MetricsServing
import Primitives
import Synchronization
import Testing
import TestSupport
@testable import WebServer

/// The listener on real sockets (127.0.0.1, port 0). Each test starts its own server and checks
/// at the end that every server-side descriptor was closed.
@Suite(.serialized) struct ServerTests {
    /// A running server with a snapshot of `seriesCount` series.
    final class Harness: Sendable {
        let server: HTTPServer
        let port: UInt16
        let publisher: MetricsPublisher
        let ready = Flag()
        /// Set when a /metrics body has been made: the answer is on its way to the client.
        let bodyMade = Flag()

        final class Flag: Sendable {
            private let value = Mutex(false)
            func set() { value.withLock { $0 = true } }
            var isSet: Bool { value.withLock { $0 } }
        }

        init(seriesCount: Int = 50, configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
            // What the binary does at start-up (ProcessSettings): the listener only reads the limit.
            OpenFilesLimit.raiseToHard()
            publisher = MetricsPublisher(freshFamilies: { [MetricFamily.single(name: "process_fresh", type: .gauge, help: "Fresh.", value: 1)] })
            let family = try MetricFamily(name: "demo_bytes_total", type: .counter, help: "Demo.", series: (0..<seriesCount).map {
                Series(["domain": "d\($0).example.com"], Double($0))
            })
            publisher.publish(try ExpositionSnapshot(families: [family]))
            var configuration = HTTPServerConfiguration(listenAddress: try ListenAddress(parsing: "127.0.0.1:0"))
            configure(&configuration)
            let publisher = publisher, ready = ready, bodyMade = bodyMade
            let router = MetricsRouter(
                telemetryPath: "/metrics", landingPage: Array("landing".utf8),
                readiness: { (ready.isSet, "not ready: starting") },
                metrics: { format, gzip in
                    defer { bodyMade.set() }
                    return publisher.body(format: format, gzip: gzip)
                })
            server = HTTPServer(configuration: configuration, handler: router)
            port = try server.start()
        }

        var expectedBody: [UInt8] { publisher.body(format: .text, gzip: false).joined }

        /// Stops the server and checks that no server-side descriptor is left.
        func stop() {
            server.stop(gracePeriod: 2)
            #expect(ServerSocketCensus.count(port: port) == 0, "server sockets left open after stop")
            #expect(server.openConnections == 0)
        }

        /// Waits until the server has closed every connection (it learns of client closes
        /// asynchronously), then checks only the listening socket is left.
        func expectOnlyListeningSocket() {
            ServerTests.waitUntil { ServerSocketCensus.count(port: port) <= 1 && server.openConnections == 0 }
            #expect(server.openConnections == 0)
            #expect(ServerSocketCensus.count(port: port) == 1, "server-side sockets still open")
        }
    }

    /// Polls `condition` every 10 ms for up to 5 s (the server learns of closes asynchronously).
    static func waitUntil(_ condition: () -> Bool) {
        TestSupport.waitUntil(timeout: 5, every: 0.01, condition)
    }

    @Test func getHeadAndKeepAlive() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let client = try TestClient(port: harness.port)
        let first = try client.request("/metrics")
        #expect(first.status == 200 && first.body == harness.expectedBody)
        #expect(first.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(first.headers["connection"] == nil && first.headers["date"]?.hasSuffix(" GMT") == true)
        let head = try client.request("/metrics", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == String(harness.expectedBody.count))
        // The same connection serves a third request after the HEAD (no stray body bytes).
        let third = try client.request("/-/healthy")
        #expect(third.status == 200 && third.text == "Healthy.\n")
        #expect(try client.request("/-/ready").status == 503)
        harness.ready.set()
        #expect(try client.request("/-/ready").status == 200)
    }

    @Test func http10ClosesUnlessAskedToKeepAlive() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let closing = try TestClient(port: harness.port)
        try closing.send("GET /metrics HTTP/1.0\r\n\r\n")
        let response = try closing.readResponse()
        #expect(response.status == 200 && response.headers["connection"] == "close")
        #expect(closing.isClosedByServer())

        let keeping = try TestClient(port: harness.port)
        try keeping.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try keeping.readResponse().headers["connection"] == "keep-alive")
        try keeping.send("GET /-/healthy HTTP/1.0\r\n\r\n")
        #expect(try keeping.readResponse().status == 200)
        #expect(keeping.isClosedByServer())
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let client = try TestClient(port: harness.port)
        try client.send("GET /-/healthy HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\nHEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(try client.readResponse().status == 404)
        #expect(try client.readResponse(isHead: true).headers["content-length"] == String(harness.expectedBody.count))
        let last = try client.readResponse()
        #expect(last.text == "landing" && last.headers["connection"] == "close")
        #expect(client.isClosedByServer())
    }

    @Test func gzipRoundTripOnALargeBody() throws {
        let harness = try Harness(seriesCount: 20_000)
        defer { harness.stop() }
        let client = try TestClient(port: harness.port)
        for _ in 0..<3 {
            let response = try client.request("/metrics", headers: ["Accept-Encoding: gzip"])
            #expect(response.headers["content-encoding"] == "gzip" && response.headers["vary"] == "Accept, Accept-Encoding")
            #expect(try GzipDecoder.decompress(response.body) == harness.expectedBody)
            #expect(response.body.count < harness.expectedBody.count / 4)
        }
        let plain = try client.request("/metrics", headers: ["Accept-Encoding: gzip;q=0"])
        #expect(plain.headers["content-encoding"] == nil && plain.body == harness.expectedBody)
    }

    @Test func concurrentScrapes() throws {
        let harness = try Harness(seriesCount: 2_000)
        defer { harness.stop() }
        let expected = harness.expectedBody
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            do {
                let client = try TestClient(port: harness.port)
                for round in 0..<25 {
                    let gzip = (worker + round) % 3 == 0
                    let response = try client.request("/metrics", headers: gzip ? ["Accept-Encoding: gzip"] : [])
                    let body = gzip ? try GzipDecoder.decompress(response.body) : response.body
                    if response.status != 200 || body != expected { failures.withLock { $0.append("worker \(worker) round \(round)") } }
                }
            } catch {
                failures.withLock { $0.append("worker \(worker): \(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        harness.expectOnlyListeningSocket()
    }

    @Test func refusalsGetTheirStatusAndDescriptorsReturnToBaseline() throws {
        let harness = try Harness()
        defer { harness.stop() }
        let cases: [(String, [UInt8], Int)] = [
            ("oversize head", Array(("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 9000) + "\r\n\r\n").utf8), 431),
            ("oversize URI", Array(("GET /" + String(repeating: "u", count: 3000) + " HTTP/1.1\r\nHost: a\r\n\r\n").utf8), 414),
            ("body", Array("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world".utf8), 413),
            ("chunked body", Array("GET /metrics HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".utf8), 413),
            ("garbage", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03] + Array("\r\n\r\n".utf8), 400),
            ("bad method", Array("DELETE /metrics HTTP/1.1\r\nHost: a\r\n\r\n".utf8), 405),
            ("HTTP/2 preface", Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8), 505),
            ("no Host", Array("GET /metrics HTTP/1.1\r\n\r\n".utf8), 400),
        ]
        for (name, bytes, status) in cases {
            let client = try TestClient(port: harness.port)
            try client.send(bytes)
            let response = try client.readResponse()
            #expect(response.status == status, "\(name)")
            if status != 405 {
                #expect(response.headers["connection"] == "close", "\(name)")
                #expect(client.isClosedByServer(), "\(name)")
            }
        }
        // A client that connects and leaves mid-head, and one that resets.
        try TestClient(port: harness.port).send("GET /metr")
        do {
            let resetting = try TestClient(port: harness.port)
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(resetting.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            try resetting.send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
        }  // closed here with a reset
        harness.expectOnlyListeningSocket()
        // Still serving.
        #expect(try TestClient(port: harness.port).request("/metrics").status == 200)
        harness.expectOnlyListeningSocket()
    }

    /// Over TCP as well: a head that stops arriving is answered 408 at the deadline and closed
    /// (that dripped bytes do not extend the deadline is ConnectionMachineTests').
    @Test func slowHeadIsCutOffAtTheDeadline() throws {
        let harness = try Harness { $0.headTimeout = 0.3 }
        defer { harness.stop() }
        let client = try TestClient(port: harness.port, timeout: 10)
        try client.send("GET /metrics HTTP/1.1\r\nHo")
        let response = try client.readResponse()  // blocks until the deadline's answer
        #expect(response.status == 408)
        #expect(client.isClosedByServer())
    }

    @Test func idleKeepAliveConnectionsAreClosed() throws {
        let harness = try Harness { $0.idleTimeout = 0.3 }
        defer { harness.stop() }
        let client = try TestClient(port: harness.port)
        #expect(try client.request("/-/healthy").status == 200)
        #expect(client.isClosedByServer())  // blocks until the server closes (or the 10 s read timeout)
        harness.expectOnlyListeningSocket()
    }

    @Test func thousandIdleConnectionsDoNotStopScrapes() throws {
        let harness = try Harness {
            $0.maxConnections = 1_100
            $0.maxConnectionsPerClient = 2_000  // all from 127.0.0.1
        }
        defer { harness.stop() }
        var idle: [TestClient] = []
        for index in 0..<1_000 {
            let client = try TestClient(port: harness.port)
            if index % 2 == 0 { #expect(try client.request("/-/healthy").status == 200) }  // half of them after one request
            idle.append(client)
        }
        for _ in 0..<20 {
            let response = try TestClient(port: harness.port).request("/metrics")
            #expect(response.status == 200 && response.body == harness.expectedBody)
        }
        Self.waitUntil { harness.server.openConnections == 1_000 }
        #expect(harness.server.openConnections == 1_000)
        idle.removeAll()
        harness.expectOnlyListeningSocket()
    }

    @Test func connectionsOverTheLimitGet503() throws {
        let harness = try Harness { $0.maxConnections = 2 }
        defer { harness.stop() }
        let first = try TestClient(port: harness.port), second = try TestClient(port: harness.port)
        #expect(try first.request("/-/healthy").status == 200)
        #expect(try second.request("/-/healthy").status == 200)
        let third = try TestClient(port: harness.port)
        try third.send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
        let refused = try third.readResponse()
        #expect(refused.status == 503 && refused.headers["retry-after"] == "1")
        #expect(third.isClosedByServer())
        _ = (first, second)
        #expect(harness.server.refusals.totals == [.connectionLimit: 1])
    }

    /// One address cannot hold every slot: its connections past the cap are closed at once and
    /// counted, while another address is still served.
    @Test func oneClientCannotTakeEverySlot() throws {
        let harness = try Harness {
            $0.maxConnectionsPerClient = 2
            $0.maxConnections = 10
        }
        defer { harness.stop() }
        let held = try (0..<2).map { _ in try TestClient(port: harness.port) }
        for client in held { #expect(try client.request("/-/healthy").status == 200) }
        let over = try TestClient(port: harness.port)
        #expect(over.isClosedByServer(), "the third from 127.0.0.1 is closed without an answer")
        let other = try TestClient(port: harness.port, source: "127.0.0.2")
        #expect(try other.request("/-/healthy").status == 200, "another address is served")
        #expect(harness.server.refusals.totals == [.perClientLimit: 1])
        // A slot freed by the client is its own again.
        _ = held.first.map { $0.finishSending() }
        ServerTests.waitUntil { harness.server.openConnections <= 2 }
        #expect(try TestClient(port: harness.port).request("/-/healthy").status == 200)
    }

    /// Echoes the body it was given, to check body framing.
    struct EchoHandler: HTTPHandler {
        func respond(to request: IncomingRequest) -> HTTPResponse {
            HTTPResponse(status: .ok, headers: [("Content-Type", "application/octet-stream")], body: [request.body[...]])
        }
    }

    @Test func bodiesArriveWholeWhenAllowed() throws {
        var configuration = HTTPServerConfiguration(listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), limits: HTTPParseLimits(maxBodyBytes: 64 * 1024))
        configuration.headTimeout = 5
        let server = HTTPServer(configuration: configuration, handler: EchoHandler())
        let port = try server.start()
        defer { server.stop(gracePeriod: 1) }
        let client = try TestClient(port: port)
        let body = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let head = Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        // In two writes; that a body split across reads arrives whole is ConnectionMachineTests'.
        try client.send(head + body.prefix(1000))
        try client.send(Array(body.dropFirst(1000)) + Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(try client.readResponse().body == body)
        #expect(try client.readResponse().body.isEmpty)  // the pipelined GET after the body
    }

    @Test func gracefulStopFinishesAResponseInFlight() throws {
        let harness = try Harness(seriesCount: 50_000)
        let client = try TestClient(port: harness.port)
        // Ask for a large body and do not read it yet: once it is made, the answer (megabytes
        // against a client that does not read) is being written when stop begins.
        try client.send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
        Self.waitUntil { harness.bodyMade.isSet }
        #expect(harness.bodyMade.isSet)
        let idle = try TestClient(port: harness.port)
        let stopped = DispatchSemaphore(value: 0)
        let server = harness.server
        DispatchQueue.global().async {
            server.stop(gracePeriod: 5)
            stopped.signal()
        }
        let response = try client.readResponse()
        #expect(response.status == 200 && response.body == harness.expectedBody)
        #expect(client.isClosedByServer() && idle.isClosedByServer())
        stopped.wait()
        #expect(ServerSocketCensus.count(port: harness.port) == 0)
        #expect(throws: TestClient.Failure.self) { try TestClient(port: harness.port) }
    }
}
