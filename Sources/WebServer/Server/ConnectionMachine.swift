import Logging

/// What one connection does, without its socket or clock: told what arrived, that the peer
/// closed, that a response went out or that a deadline passed, it answers with the actions to
/// take. Parsing, pipelining, keep-alive, limits and timeouts all live here, so they are tested
/// by feeding bytes (no ports, no sleeps); ``Connection`` only moves bytes and arms timers.
struct ConnectionMachine {
    enum State: Equatable {
        /// Waiting for the first byte of the next request (keep-alive).
        case idle
        /// Receiving a request head; the head deadline runs.
        case readingHead
        /// Writing a response; reading is suspended.
        case writing
        /// Response sent, write side shut; discarding input until the peer closes, so unread
        /// bytes cannot turn our close into a reset that destroys the response.
        case draining
        case closed
    }

    /// What the connection must do, in order.
    enum Action {
        /// Write these bytes, then report ``ConnectionMachine/responseWritten()``.
        case write([ArraySlice<UInt8>])
        /// Stop or restart reading (reading is suspended while a response is written).
        case suspendReading, resumeReading
        /// Shut the write side: the last response is out.
        case shutdownWrite
        /// Arm the one deadline, this many seconds from now; report
        /// ``ConnectionMachine/deadlinePassed()`` when it passes.
        case setDeadline(Double)
        /// Close the descriptor; nothing more happens on this connection.
        case close
    }

    /// Input beyond this, after the last response, ends the drain early.
    static let drainLimit = 1 << 20
    /// How long the drain waits for the peer to close.
    static let drainTimeout = 2.0

    private(set) var state = State.readingHead
    private let configuration: HTTPServerConfiguration
    private let handler: any HTTPHandler
    private let logger: Logger
    private let peer: String
    /// The `Date` header value for now.
    private let date: () -> String

    private var buffer: [UInt8] = []
    private var isPeerClosed = false
    private var isCloseRequested = false
    private var keepAliveAfterWrite = false
    private var drainedBytes = 0

    init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger, peer: String, date: @escaping () -> String) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.peer = peer
        self.date = date
    }

    /// Whether input is wanted now (not while a response is written).
    var isReading: Bool {
        state == .idle || state == .readingHead || state == .draining
    }

    /// Input buffered and not yet answered is bounded: a head and a body at their limits, and
    /// one read more (so the parser sees that they are over).
    var wantsMoreInput: Bool {
        state == .draining || buffer.count < configuration.limits.maxHeadBytes + configuration.limits.maxBodyBytes
    }

    /// The first actions: the head deadline, or `rejection` sent at once and the connection closed.
    mutating func start(rejection: HTTPResponse? = nil) -> [Action] {
        if let rejection {
            return respond(rejection, isHead: false, keepAlive: false)
        }
        return [.setDeadline(configuration.headTimeout)]
    }

    /// Bytes read from the peer.
    mutating func received(_ bytes: some Collection<UInt8>) -> [Action] {
        switch state {
        case .draining:
            drainedBytes += bytes.count
            return drainedBytes > Self.drainLimit ? close() : []
        case .idle, .readingHead:
            buffer.append(contentsOf: bytes)
            var actions: [Action] = []
            if state == .idle {
                state = .readingHead
                actions.append(.setDeadline(configuration.headTimeout))
            }
            return actions + answerBuffered()
        case .writing, .closed:
            return []
        }
    }

    /// The peer closed its side: a request not complete by now never will be.
    mutating func peerClosed() -> [Action] {
        isPeerClosed = true
        switch state {
        case .idle, .readingHead, .draining: return close()
        case .writing, .closed: return []
        }
    }

    /// The last `.write` went out completely: keep the connection for the next request (which
    /// may already be buffered), or shut the write side and drain.
    mutating func responseWritten() -> [Action] {
        guard state == .writing else { return [] }
        if keepAliveAfterWrite && !isCloseRequested && !isPeerClosed {
            state = .idle
            return [.setDeadline(configuration.idleTimeout), .resumeReading] + answerBuffered()
        }
        state = .draining
        buffer = []
        if isPeerClosed { return [.shutdownWrite] + close() }
        return [.shutdownWrite, .setDeadline(Self.drainTimeout), .resumeReading]
    }

    /// The deadline set last has passed.
    mutating func deadlinePassed() -> [Action] {
        switch state {
        case .readingHead:
            logger.debug("request head not received in time", ["peer": peer])
            return respond(.text(.requestTimeout, "The request head did not arrive in time.\n"), isHead: false, keepAlive: false)
        case .idle, .draining:
            return close()
        case .writing:
            logger.debug("response not taken in time", ["peer": peer])
            return close()
        case .closed:
            return []
        }
    }

    /// Graceful stop: finish a response being written, close anything else now.
    mutating func closeRequested() -> [Action] {
        isCloseRequested = true
        switch state {
        case .writing:
            keepAliveAfterWrite = false
            return []
        case .idle, .readingHead:
            return close()
        case .draining, .closed:
            return []
        }
    }

    /// Reading or writing failed (reset, broken pipe), or the stop's grace period is over.
    mutating func failed() -> [Action] {
        close()
    }

    // MARK: Answering

    /// Answers the request at the front of the buffer, if it is complete.
    private mutating func answerBuffered() -> [Action] {
        guard state == .idle || state == .readingHead else { return [] }
        switch HTTPRequestParser.parse(buffer[...], limits: configuration.limits) {
        case .incomplete:
            return []
        case .complete(let head, let consumed):
            // A body (only where the limits allow one) must be complete before the handler runs.
            guard buffer.count >= consumed + head.contentLength else { return [] }
            let body = Array(buffer[consumed..<(consumed + head.contentLength)])
            buffer.removeFirst(consumed + head.contentLength)
            let response = handler.respond(to: IncomingRequest(head: head, body: body))
            logger.debug("request", [
                "peer": peer, "method": head.method, "path": head.path, "status": String(response.status.rawValue),
                "bytes": String(response.bodyLength),
            ])
            return respond(response, isHead: head.method == "HEAD", keepAlive: head.shouldKeepAlive && !isCloseRequested && !isPeerClosed,
                           version: head.version)
        case .failed(let error):
            logger.debug("bad request", ["peer": peer, "status": String(error.status.rawValue), "reason": error.reason])
            return respond(.text(error.status, "\(error.reason)\n"), isHead: false, keepAlive: false)
        }
    }

    private mutating func respond(_ response: HTTPResponse, isHead: Bool, keepAlive: Bool, version: HTTPVersion = .http11) -> [Action] {
        let head = HTTPResponseEncoder.head(of: response, keepAlive: keepAlive, requestVersion: version, date: date())
        keepAliveAfterWrite = keepAlive
        state = .writing
        return [.suspendReading, .setDeadline(configuration.writeTimeout),
                .write([head[...]] + (isHead ? [] : response.body.filter { !$0.isEmpty }))]
    }

    private mutating func close() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        buffer = []
        return [.close]
    }
}
