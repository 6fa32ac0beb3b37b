import Dispatch
import Logging
import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// What a connection needs from its server. Shared by every connection; immutable.
struct ConnectionEnvironment: Sendable {
    let configuration: HTTPServerConfiguration
    let handler: any HTTPHandler
    let logger: Logger
    /// The `Date` header value for now.
    let date: @Sendable () -> String
    /// Called once, on the connection's queue, after the descriptor is closed.
    let onClosed: @Sendable (ObjectIdentifier) -> Void
}

/// One accepted socket, driven by Dispatch sources on its own serial queue: read what arrives,
/// parse heads, write responses with gathered non-blocking writes, enforce the deadlines.
///
/// - Important: `@unchecked Sendable` because all mutable state below is touched only on
///   `queue` (every entry point is a source handler on `queue` or an `async` onto it). The
///   descriptor is closed exactly once, after the cancel handlers of every source on it ran.
final class Connection: @unchecked Sendable {
    private enum State {
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

    private static let readSize = 16 * 1024
    private static let drainLimit = 1 << 20
    private static let drainTimeout = 2.0

    let fd: Int32
    /// Whether this connection only gets a 503 (it came in over the connection limit).
    let isRejecting: Bool
    private let queue: DispatchQueue
    private let environment: ConnectionEnvironment
    private let peer: String

    private var state = State.readingHead
    private var buffer: [UInt8] = []
    /// Where each read lands before its bytes are appended to `buffer`.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 1)
    private var isPeerClosed = false
    private var isCloseRequested = false
    private var keepAliveAfterWrite = false
    private var pending: [ArraySlice<UInt8>] = []
    private var pendingIndex = 0
    private var drainedBytes = 0
    private var deadline = DispatchTime.distantFuture

    private var readSource: (any DispatchSourceRead)?
    private var isReadSuspended = false
    private var writeSource: (any DispatchSourceWrite)?
    private var timer: (any DispatchSourceTimer)?
    /// Sources on `fd` whose cancel handler has not run yet.
    private var liveSources = 0

    init(fd: Int32, isRejecting: Bool, targetQueue: DispatchQueue, environment: ConnectionEnvironment) {
        self.fd = fd
        self.isRejecting = isRejecting
        self.queue = DispatchQueue(label: "vodcdn.web.connection", target: targetQueue)
        self.environment = environment
        self.peer = SocketIO.peerDescription(fd)
    }

    /// Starts serving; `rejection` answers at once with that response and closes instead.
    func start(rejection: HTTPResponse? = nil) {
        queue.async { [self] in
            let read = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            read.setEventHandler { [self] in readable() }
            read.setCancelHandler { [self] in sourceCancelled() }
            liveSources += 1
            readSource = read
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.setEventHandler { [self] in timerFired() }
            self.timer = timer
            timer.resume()
            read.resume()
            if let rejection {
                send(rejection, isHead: false, keepAlive: false)
            } else {
                setDeadline(after: environment.configuration.headTimeout)
            }
        }
    }

    /// Graceful stop: finish a response being written, close anything else now.
    func requestClose() {
        queue.async { [self] in
            isCloseRequested = true
            switch state {
            case .writing: keepAliveAfterWrite = false
            case .idle, .readingHead: close()
            case .draining, .closed: break
            }
        }
    }

    /// Immediate stop (the grace period is over).
    func forceClose() {
        queue.async { [self] in close() }
    }

    deinit {
        scratch.deallocate()
    }

    // MARK: Reading

    private func readable() {
        switch state {
        case .closed, .writing:
            return
        case .draining:
            drain()
            return
        case .idle, .readingHead:
            break
        }
        let cap = environment.configuration.limits.maxHeadBytes + environment.configuration.limits.maxBodyBytes + Self.readSize
        reading: while buffer.count < cap {
            switch SocketIO.read(fd, into: scratch) {
            case .bytes(let count):
                buffer.append(contentsOf: scratch[..<count])
                if state == .idle {
                    state = .readingHead
                    setDeadline(after: environment.configuration.headTimeout)
                }
            case .endOfFile:
                isPeerClosed = true
                break reading
            case .wouldBlock:
                break reading
            case .failed:
                close()
                return
            }
        }
        processBuffer()
        if isPeerClosed && (state == .idle || state == .readingHead) {
            close()  // nothing complete arrived and nothing more will
        } else if isPeerClosed && state == .writing {
            suspendReading()  // EOF stays readable; do not spin on it
        }
    }

    private func processBuffer() {
        guard state == .idle || state == .readingHead else { return }
        switch HTTPRequestParser.parse(buffer[...], limits: environment.configuration.limits) {
        case .incomplete:
            if buffer.isEmpty == false && state == .idle {
                state = .readingHead
                setDeadline(after: environment.configuration.headTimeout)
            }
        case .complete(let head, let consumed):
            // A body (only where the limits allow one) must be complete before the handler runs.
            guard buffer.count >= consumed + head.contentLength else {
                if state == .idle {
                    state = .readingHead
                    setDeadline(after: environment.configuration.headTimeout)
                }
                return
            }
            let body = Array(buffer[consumed..<(consumed + head.contentLength)])
            buffer.removeFirst(consumed + head.contentLength)
            let response = environment.handler.respond(to: IncomingRequest(head: head, body: body))
            let keepAlive = head.shouldKeepAlive && !isCloseRequested && !isPeerClosed
            environment.logger.debug("request", [
                "peer": peer, "method": head.method, "path": head.path, "status": String(response.status.rawValue),
                "bytes": String(response.bodyLength),
            ])
            send(response, isHead: head.method == "HEAD", keepAlive: keepAlive, version: head.version)
        case .failed(let error):
            environment.logger.debug("bad request", ["peer": peer, "status": String(error.status.rawValue), "reason": error.reason])
            send(.text(error.status, "\(error.reason)\n"), isHead: false, keepAlive: false)
        }
    }

    // MARK: Writing

    private func send(_ response: HTTPResponse, isHead: Bool, keepAlive: Bool, version: HTTPVersion = .http11) {
        let head = HTTPResponseEncoder.head(of: response, keepAlive: keepAlive, requestVersion: version, date: environment.date())
        pending = [head[...]] + (isHead ? [] : response.body.filter { !$0.isEmpty })
        pendingIndex = 0
        keepAliveAfterWrite = keepAlive
        state = .writing
        suspendReading()
        setDeadline(after: environment.configuration.writeTimeout)
        flush()
    }

    private func flush() {
        while pendingIndex < pending.count {
            switch SocketIO.write(fd, pending[pendingIndex...]) {
            case .wrote(var count):
                while count > 0 {
                    let chunk = pending[pendingIndex]
                    if count >= chunk.count {
                        count -= chunk.count
                        pendingIndex += 1
                    } else {
                        pending[pendingIndex] = chunk.dropFirst(count)
                        count = 0
                    }
                }
            case .wouldBlock:
                waitUntilWritable()
                return
            case .failed:
                close()
                return
            }
        }
        writeFinished()
    }

    private func waitUntilWritable() {
        guard writeSource == nil else { return }
        let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [self] in
            if state == .writing { flush() }
        }
        source.setCancelHandler { [self] in sourceCancelled() }
        liveSources += 1
        writeSource = source
        source.resume()
    }

    private func writeFinished() {
        pending = []
        pendingIndex = 0
        writeSource?.cancel()
        writeSource = nil
        if keepAliveAfterWrite && !isCloseRequested && !isPeerClosed {
            state = .idle
            setDeadline(after: environment.configuration.idleTimeout)
            resumeReading()
            processBuffer()  // a pipelined request may already be buffered
        } else {
            startDraining()
        }
    }

    private func startDraining() {
        state = .draining
        buffer = []
        shutdown(fd, Int32(SHUT_WR))
        if isPeerClosed {
            close()
            return
        }
        setDeadline(after: Self.drainTimeout)
        resumeReading()
    }

    private func drain() {
        while true {
            switch SocketIO.read(fd, into: scratch) {
            case .bytes(let count):
                drainedBytes += count
                if drainedBytes > Self.drainLimit { close(); return }
            case .wouldBlock:
                return
            case .endOfFile, .failed:
                close()
                return
            }
        }
    }

    // MARK: Deadlines

    private func setDeadline(after seconds: Double) {
        deadline = .now() + seconds
        timer?.schedule(deadline: deadline, leeway: .milliseconds(50))
    }

    private func timerFired() {
        guard DispatchTime.now() >= deadline else {
            timer?.schedule(deadline: deadline, leeway: .milliseconds(50))
            return
        }
        switch state {
        case .readingHead:
            environment.logger.debug("request head not received in time", ["peer": peer])
            send(.text(.requestTimeout, "The request head did not arrive in time.\n"), isHead: false, keepAlive: false)
        case .idle, .draining:
            close()
        case .writing:
            environment.logger.debug("response not taken in time", ["peer": peer])
            close()
        case .closed:
            break
        }
    }

    // MARK: Closing

    private func suspendReading() {
        guard !isReadSuspended, let readSource else { return }
        readSource.suspend()
        isReadSuspended = true
    }

    private func resumeReading() {
        guard isReadSuspended, let readSource else { return }
        readSource.resume()
        isReadSuspended = false
    }

    private func close() {
        guard state != .closed else { return }
        state = .closed
        buffer = []
        pending = []
        timer?.cancel()
        timer = nil
        writeSource?.cancel()
        writeSource = nil
        resumeReading()  // a suspended source would never run its cancel handler
        readSource?.cancel()
        readSource = nil
    }

    private func sourceCancelled() {
        liveSources -= 1
        guard liveSources == 0, state == .closed else { return }
        Glibc.close(fd)
        environment.onClosed(ObjectIdentifier(self))
    }
}
