import Dispatch
import Logging
import Synchronization
import Testing
import TestSupport
@testable import WebServer

/// ``Connection`` (the part that moves bytes) on one end of a Unix socket pair, a blocking
/// client on the other: no listener, no port. Every wait is on an event (a response, end of
/// file, the close callback), never a guessed sleep. Serialized: blocking reads hold a thread of
/// the cooperative pool, and one at a time is enough.
@Suite(.serialized) struct ConnectionSocketPairTests {
    /// Answers `/big` with `size` bytes and any other path with its name.
    struct Handler: HTTPHandler {
        let big: [UInt8]
        func respond(to request: IncomingRequest) -> HTTPResponse {
            request.head.path == "/big" ? HTTPResponse(status: .ok, body: [big[...]]) : .text(.ok, request.head.path)
        }
    }

    /// A connection on the server end of a socket pair, and the client on the other.
    final class Pair {
        let client: TestClient
        let connection: Connection
        private let closed = DispatchSemaphore(value: 0)
        let big: [UInt8]

        init(headTimeout: Double = 10, bigSize: Int = 0) throws {
            let (client, serverEnd) = try TestClient.socketPair()
            let big = (0..<bigSize).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let closed = closed
            let configuration = HTTPServerConfiguration(listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), headTimeout: headTimeout)
            connection = Connection(fd: serverEnd, peer: "unknown", isRejecting: false, targetQueue: DispatchQueue(label: "test.connection"), environment: ConnectionEnvironment(
                configuration: configuration, handler: Handler(big: big), logger: .disabled, date: { "Mon, 30 Nov 2026 05:00:00 GMT" },
                onClosed: { _ in closed.signal() }))
            self.client = client
            self.big = big
            connection.start()
        }

        /// Waits (up to 10 s) for the connection to close its descriptor.
        func waitUntilClosed() -> Bool {
            closed.wait(timeout: .now() + 10) == .success
        }
    }

    @Test func pipelinedRequestsThenEndOfFile() throws {
        let pair = try Pair()
        try pair.client.send(["/1", "/2", "/3"].map { "GET \($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
        #expect(try (0..<3).map { _ in try pair.client.readResponse().text } == ["/1", "/2", "/3"])
        pair.client.finishSending()
        #expect(pair.waitUntilClosed())
        #expect(pair.client.isClosedByServer())
    }

    /// Megabytes against a socket buffer of a few hundred kilobytes: the write waits for room
    /// (the writable-source path) and every byte arrives in order.
    @Test func aLargeResponseWaitsForRoom() throws {
        let pair = try Pair(bigSize: 2 << 20)
        try pair.client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try pair.client.readResponse()
        #expect(response.status == 200 && response.body == pair.big)
        #expect(try pair.client.request("/after").text == "/after")
    }

    /// A head that stops arriving gets 408 when the deadline passes, then end of file.
    @Test func aStalledHeadGets408() throws {
        let pair = try Pair(headTimeout: 0.2)
        try pair.client.send("GET /slow HTTP/1.1\r\nHo")
        let response = try pair.client.readResponse()  // blocks until the deadline's answer
        #expect(response.status == 408 && response.headers["connection"] == "close")
        #expect(pair.client.isClosedByServer())
        pair.client.finishSending()
        #expect(pair.waitUntilClosed())
    }

    @Test func aGracefulStopClosesAnIdleConnection() throws {
        let pair = try Pair()
        #expect(try pair.client.request("/a").text == "/a")
        pair.connection.requestClose()
        #expect(pair.client.isClosedByServer())
        #expect(pair.waitUntilClosed())
    }
}
