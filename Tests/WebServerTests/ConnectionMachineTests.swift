import Logging
import Testing
@testable import WebServer

/// The connection's logic fed bytes and events directly: no sockets, no clocks, no sleeps.
@Suite struct ConnectionMachineTests {
    /// Answers every path with its own name (`/a` → body `/a`); `/echo` echoes the body.
    struct PathHandler: HTTPHandler {
        func respond(to request: IncomingRequest) -> HTTPResponse {
            if request.head.path == "/echo" { return HTTPResponse(status: .ok, body: [request.body[...]]) }
            return .text(.ok, request.head.path)
        }
    }

    /// What the actions say, in a form tests compare: writes as text.
    enum Step: Equatable {
        case write(String), suspendReading, resumeReading, shutdownWrite, setDeadline(Double), close
    }

    static func steps(_ actions: [ConnectionMachine.Action]) -> [Step] {
        actions.map { action in
            switch action {
            case .write(let chunks): .write(String(decoding: chunks.joined(), as: UTF8.self))
            case .suspendReading: .suspendReading
            case .resumeReading: .resumeReading
            case .shutdownWrite: .shutdownWrite
            case .setDeadline(let seconds): .setDeadline(seconds)
            case .close: .close
            }
        }
    }

    static func machine(limits: HTTPParseLimits = HTTPParseLimits()) throws -> ConnectionMachine {
        let configuration = HTTPServerConfiguration(listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), limits: limits,
                                                    headTimeout: 10, idleTimeout: 120, writeTimeout: 30)
        return ConnectionMachine(configuration: configuration, handler: PathHandler(), logger: .disabled, peer: "test",
                                 date: { "Mon, 30 Nov 2026 05:00:00 GMT" })
    }

    static func response(_ status: String, _ body: String, keepAlive: Bool = true) -> String {
        "HTTP/1.1 \(status)\r\nDate: Mon, 30 Nov 2026 05:00:00 GMT\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + (keepAlive ? "" : "Connection: close\r\n") + "\r\n" + body
    }

    static func writing(_ text: String) -> [Step] {
        [.suspendReading, .setDeadline(30), .write(text)]
    }

    @Test func answersAndKeepsTheConnection() throws {
        var machine = try Self.machine()
        #expect(Self.steps(machine.start()) == [.setDeadline(10)])
        #expect(Self.steps(machine.received(Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8))) == Self.writing(Self.response("200 OK", "/a")))
        #expect(machine.state == .writing && !machine.isReading)
        #expect(Self.steps(machine.responseWritten()) == [.setDeadline(120), .resumeReading])
        #expect(machine.state == .idle)
        // The next request's first byte starts the head deadline again.
        #expect(Self.steps(machine.received(Array("G".utf8))) == [.setDeadline(10)])
        #expect(machine.state == .readingHead)
    }

    /// A head that arrives a byte at a time is answered once, when complete.
    @Test func aHeadInPiecesIsAnsweredWhenComplete() throws {
        var machine = try Self.machine()
        _ = machine.start()
        let request = Array("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        for byte in request.dropLast() {
            #expect(machine.received([byte]).isEmpty)
        }
        #expect(Self.steps(machine.received([request.last!])) == Self.writing(Self.response("200 OK", "/slow")))
    }

    /// Pipelined requests are answered in order, one response at a time.
    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        var machine = try Self.machine()
        _ = machine.start()
        let requests = ["/1", "/2", "/3"].map { "GET \($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
        #expect(Self.steps(machine.received(Array(requests.utf8))) == Self.writing(Self.response("200 OK", "/1")))
        #expect(Self.steps(machine.responseWritten()) == [.setDeadline(120), .resumeReading] + Self.writing(Self.response("200 OK", "/2")))
        #expect(Self.steps(machine.responseWritten()) == [.setDeadline(120), .resumeReading] + Self.writing(Self.response("200 OK", "/3")))
        #expect(Self.steps(machine.responseWritten()) == [.setDeadline(120), .resumeReading])
    }

    /// Bytes that arrive while a response is written are not read (reading is suspended).
    @Test func inputWhileWritingIsLeftInTheSocket() throws {
        var machine = try Self.machine()
        _ = machine.start()
        _ = machine.received(Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(machine.received(Array("GET /b HTTP/1.1\r\n\r\n".utf8)).isEmpty)
    }

    @Test func aSlowHeadGets408AndTheConnectionDrains() throws {
        var machine = try Self.machine()
        _ = machine.start()
        #expect(machine.received(Array("GET /a HTTP/1.1\r\nHo".utf8)).isEmpty)
        let timeout = Self.response("408 Request Timeout", "The request head did not arrive in time.\n", keepAlive: false)
        #expect(Self.steps(machine.deadlinePassed()) == Self.writing(timeout))
        #expect(Self.steps(machine.responseWritten()) == [.shutdownWrite, .setDeadline(ConnectionMachine.drainTimeout), .resumeReading])
        #expect(machine.state == .draining)
        // Late input is discarded; the peer's close ends it.
        #expect(machine.received(Array("st: x\r\n\r\n".utf8)).isEmpty)
        #expect(Self.steps(machine.peerClosed()) == [.close])
        #expect(machine.state == .closed && machine.peerClosed().isEmpty)
    }

    @Test func aPeerThatNeverClosesIsDroppedAfterTheDrain() throws {
        var machine = try Self.machine()
        _ = machine.start()
        _ = machine.deadlinePassed()
        _ = machine.responseWritten()
        #expect(Self.steps(machine.deadlinePassed()) == [.close])
        // A flood during the drain ends it early.
        var flooded = try Self.machine()
        _ = flooded.start()
        _ = flooded.deadlinePassed()
        _ = flooded.responseWritten()
        #expect(flooded.received([UInt8](repeating: 65, count: ConnectionMachine.drainLimit)).isEmpty)
        #expect(Self.steps(flooded.received([65])) == [.close])
    }

    @Test func idleConnectionsCloseAtTheirDeadline() throws {
        var machine = try Self.machine()
        _ = machine.start()
        _ = machine.received(Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        _ = machine.responseWritten()
        #expect(Self.steps(machine.deadlinePassed()) == [.close])
    }

    @Test func aResponseNotTakenInTimeIsDropped() throws {
        var machine = try Self.machine()
        _ = machine.start()
        _ = machine.received(Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(Self.steps(machine.deadlinePassed()) == [.close])
    }

    @Test func http10AndConnectionCloseEndAfterTheResponse() throws {
        for request in ["GET /a HTTP/1.0\r\n\r\n", "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"] {
            var machine = try Self.machine()
            _ = machine.start()
            let steps = Self.steps(machine.received(Array(request.utf8)))
            guard case .write(let text) = steps.last else { Issue.record("no response to \(request)"); continue }
            #expect(text.contains("Connection: close\r\n"))
            #expect(Self.steps(machine.responseWritten()).first == .shutdownWrite)
        }
    }

    @Test func headAnswersWithoutABody() throws {
        var machine = try Self.machine()
        _ = machine.start()
        let steps = Self.steps(machine.received(Array("HEAD /abc HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
        #expect(steps.last == .write(String(Self.response("200 OK", "/abc").dropLast(4))))
    }

    /// A body that arrives in pieces reaches the handler whole, and a request pipelined after it
    /// is answered next.
    @Test func bodiesArriveWhole() throws {
        var machine = try Self.machine(limits: HTTPParseLimits(maxBodyBytes: 64 * 1024))
        _ = machine.start()
        let body = String(repeating: "0123456789", count: 4000)
        #expect(machine.received(Array("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n".utf8) + Array(body.utf8.prefix(1000))).isEmpty)
        let rest = Array(body.utf8.dropFirst(1000)) + Array("GET /after HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let steps = Self.steps(machine.received(rest))
        #expect(steps.last == .write("HTTP/1.1 200 OK\r\nDate: Mon, 30 Nov 2026 05:00:00 GMT\r\nContent-Length: 40000\r\n\r\n" + body))
        #expect(Self.steps(machine.responseWritten()) == [.setDeadline(120), .resumeReading] + Self.writing(Self.response("200 OK", "/after")))
    }

    /// Input is bounded: once a head and a body at their limits are buffered, no more is read,
    /// and an oversized head is refused.
    @Test func oversizedHeadsAreRefused() throws {
        var machine = try Self.machine(limits: HTTPParseLimits(maxHeadBytes: 1024))
        _ = machine.start()
        let steps = Self.steps(machine.received(Array(("GET /a HTTP/1.1\r\nX-Filler: " + String(repeating: "a", count: 2000)).utf8)))
        guard case .write(let text) = steps.last else { Issue.record("no refusal"); return }
        #expect(text.hasPrefix("HTTP/1.1 431 "))
        #expect(Self.steps(machine.responseWritten()).first == .shutdownWrite)
        var bounded = try Self.machine(limits: HTTPParseLimits(maxHeadBytes: 1024, maxBodyBytes: 0))
        _ = bounded.start()
        _ = bounded.received(Array("GET /a HTTP/1.1\r\n".utf8))
        #expect(bounded.wantsMoreInput)
    }

    /// A graceful stop lets a response being written finish, then closes; idle ones close at once.
    @Test func gracefulStop() throws {
        var writing = try Self.machine()
        _ = writing.start()
        _ = writing.received(Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(writing.closeRequested().isEmpty)
        #expect(Self.steps(writing.responseWritten()) == [.shutdownWrite, .setDeadline(ConnectionMachine.drainTimeout), .resumeReading])
        var idle = try Self.machine()
        _ = idle.start()
        #expect(Self.steps(idle.closeRequested()) == [.close])
        // A request that arrives after the stop began is answered with Connection: close.
        var late = try Self.machine()
        _ = late.start()
        _ = late.received(Array("GET /a HTTP/1.1\r\nHo".utf8))
        #expect(Self.steps(late.closeRequested()) == [.close])
    }

    @Test func aPeerThatClosesMidHeadIsClosed() throws {
        var machine = try Self.machine()
        _ = machine.start()
        _ = machine.received(Array("GET /a HT".utf8))
        #expect(Self.steps(machine.peerClosed()) == [.close])
        #expect(machine.received(Array("TP/1.1\r\n\r\n".utf8)).isEmpty)
    }

    @Test func aRejectionIsSentAtOnceAndCloses() throws {
        var machine = try Self.machine()
        let steps = Self.steps(machine.start(rejection: .text(.serviceUnavailable, "busy\n", headers: [("Retry-After", "1")])))
        guard case .write(let text) = steps.last else { Issue.record("no rejection"); return }
        #expect(text.hasPrefix("HTTP/1.1 503 ") && text.contains("Retry-After: 1\r\n") && text.contains("Connection: close\r\n"))
        #expect(Self.steps(machine.responseWritten()).first == .shutdownWrite)
    }
}
