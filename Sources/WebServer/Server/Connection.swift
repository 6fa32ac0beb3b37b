import CTLS
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
    /// The TLS context for a new connection, or nil for plain HTTP.
    var tls: @Sendable () -> TLSContext? = { nil }
    /// Counts handshakes that failed or timed out and plain HTTP on the TLS port.
    var refusals: RefusalCounter?
}

/// One accepted socket, driven by Dispatch sources on its own serial queue. It only moves bytes
/// (through TLS when the listener has a context: handshake first, then records) and arms the
/// timer: what the bytes mean and what to answer is ``ConnectionMachine``'s.
///
/// - Important: `@unchecked Sendable` because all mutable state below is touched only on
///   `queue` (every entry point is a source handler on `queue` or an `async` onto it), which the
///   compiler cannot see through Dispatch's callbacks. The descriptor is closed exactly once,
///   after the cancel handlers of every source on it ran.
final class Connection: @unchecked Sendable {
    private static let readSize = 16 * 1024

    let fd: Int32
    /// Whether this connection only gets a 503 (it came in over the connection limit).
    let isRejecting: Bool
    private let queue: DispatchQueue
    private let onClosed: @Sendable (ObjectIdentifier) -> Void
    private let logger: Logger
    private let peer: String
    private let handshakeTimeout: Double
    private let refusals: RefusalCounter?

    /// The TLS context until the handshake starts; the session from then on.
    private var tlsContext: TLSContext?
    private var session: UnsafeMutableRawPointer?
    private var isHandshaking = false
    /// After a failed handshake: the alert is out, the write side shut; what the client still
    /// sends is read and dropped until it closes (or a second passes), so closing does not reset
    /// the connection and discard the alert before the client reads it.
    private var isLingering = false
    /// A 503 to send once the handshake is done (a connection over the limit).
    private var pendingRejection: HTTPResponse?

    private var machine: ConnectionMachine
    /// Where each read lands before the machine takes its bytes.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 1)
    /// The response being written: chunks, and the first not yet fully sent.
    private var pending: [ArraySlice<UInt8>] = []
    private var pendingIndex = 0
    private var deadline = DispatchTime.distantFuture
    private var isClosed = false

    private var readSource: (any DispatchSourceRead)?
    private var isReadSuspended = false
    private var writeSource: (any DispatchSourceWrite)?
    private var timer: (any DispatchSourceTimer)?
    /// Sources on `fd` whose cancel handler has not run yet.
    private var liveSources = 0

    /// - Parameter peer: the client's address and port, for log lines.
    init(fd: Int32, peer: String, isRejecting: Bool, targetQueue: DispatchQueue, environment: ConnectionEnvironment) {
        self.fd = fd
        self.isRejecting = isRejecting
        self.queue = DispatchQueue(label: "vodcdn.web.connection", target: targetQueue)
        self.onClosed = environment.onClosed
        self.logger = environment.logger
        self.peer = peer
        self.handshakeTimeout = environment.configuration.handshakeTimeout
        self.refusals = environment.refusals
        self.tlsContext = environment.tls()
        self.machine = ConnectionMachine(configuration: environment.configuration, handler: environment.handler, logger: environment.logger,
                                         peer: peer, date: environment.date)
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
            if tlsContext != nil {
                // The handshake comes first, within its own deadline; the machine starts after it.
                isHandshaking = true
                pendingRejection = rejection
                perform([.setDeadline(handshakeTimeout)])
            } else {
                perform(machine.start(rejection: rejection))
            }
        }
    }

    /// Graceful stop: finish a response being written, close anything else now.
    func requestClose() {
        queue.async { [self] in perform(machine.closeRequested()) }
    }

    /// Immediate stop (the grace period is over).
    func forceClose() {
        queue.async { [self] in perform(machine.failed()) }
    }

    deinit {
        vodtls_session_free(session)
        scratch.deallocate()
    }

    /// Carries out the machine's actions, and those that follow from them (a response written
    /// at once may let the next pipelined one be answered), in order, without recursion.
    private func perform(_ actions: [ConnectionMachine.Action]) {
        var queued = actions[...]
        while let action = queued.popFirst() {
            switch action {
            case .write(let chunks):
                pending = chunks
                pendingIndex = 0
                queued += flush()
            case .suspendReading:
                guard !isReadSuspended, let readSource else { continue }
                readSource.suspend()
                isReadSuspended = true
            case .resumeReading:
                resumeReading()
            case .shutdownWrite:
                if let session { vodtls_shutdown(session) }
                shutdown(fd, Int32(SHUT_WR))
            case .setDeadline(let seconds):
                deadline = .now() + seconds
                timer?.schedule(deadline: deadline, leeway: .milliseconds(50))
            case .close:
                close()
            }
        }
    }

    // MARK: Reading

    private func readable() {
        if isLingering {
            while !isClosed {
                switch SocketIO.read(fd, into: scratch) {
                case .bytes: continue
                case .wouldBlock: return
                case .endOfFile, .failed:
                    perform(machine.failed())
                    return
                }
            }
            return
        }
        if isHandshaking {
            advanceHandshake()
            return
        }
        while !isClosed && machine.isReading && machine.wantsMoreInput {
            switch read() {
            case .bytes(let count):
                perform(machine.received(scratch[..<count]))
            case .endOfFile:
                perform(machine.peerClosed())
                return
            case .wouldBlock:
                return
            case .failed:
                perform(machine.failed())
                return
            }
        }
    }

    /// The next bytes from the peer: decrypted under TLS, straight from the socket otherwise.
    private func read() -> SocketIO.ReadResult {
        guard let session else { return SocketIO.read(fd, into: scratch) }
        let result = vodtls_read(session, scratch.baseAddress, scratch.count)
        switch result {
        case 1...: return .bytes(result)
        case Int(VODTLS_WANT_READ), Int(VODTLS_WANT_WRITE): return .wouldBlock
        case Int(VODTLS_CLOSED): return .endOfFile
        default: return .failed(0)
        }
    }

    // MARK: TLS

    /// Moves the handshake on as far as the socket allows; when done, the machine starts.
    private func advanceHandshake() {
        guard !isClosed, let tlsContext else { return }
        if session == nil {
            // A plain HTTP request on the TLS port gets a plain answer instead of silence.
            var first: UInt8 = 0
            let peeked = recv(fd, &first, 1, Int32(MSG_PEEK))
            if peeked == 0 { perform(machine.failed()); return }
            if peeked < 0 {
                if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { perform(machine.failed()) }
                return
            }
            if first != 0x16 {  // not a TLS handshake record
                refusals?.count(.plainHTTP)
                isHandshaking = false
                self.tlsContext = nil
                perform(machine.start(rejection: .text(.badRequest, "Client sent an HTTP request to an HTTPS server.\n")))
                return
            }
            session = vodtls_session_create(tlsContext.pointer, fd)
            if session == nil { perform(machine.failed()); return }
        }
        var error = [CChar](repeating: 0, count: 256)
        switch vodtls_handshake(session, &error, error.count) {
        case Int32(VODTLS_DONE):
            isHandshaking = false
            self.tlsContext = nil
            perform(machine.start(rejection: pendingRejection))
            readable()  // the request may have come with the handshake's last flight
        case Int32(VODTLS_WANT_READ):
            return
        case Int32(VODTLS_WANT_WRITE):
            waitUntilWritable()
        default:
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            logger.debug("TLS handshake failed", ["peer": peer, "reason": reason])
            refusals?.count(reason.contains("certificate") ? .clientCertificate : .handshakeFailed)
            isHandshaking = false
            isLingering = true
            shutdown(fd, Int32(SHUT_WR))
            perform([.setDeadline(1)])
            readable()
        }
    }

    // MARK: Writing

    /// Writes what the socket takes now; the machine's next actions once all is out.
    private func flush() -> [ConnectionMachine.Action] {
        while pendingIndex < pending.count {
            switch write(pending[pendingIndex...]) {
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
                return []
            case .failed:
                return machine.failed()
            }
        }
        pending = []
        pendingIndex = 0
        writeSource?.cancel()
        writeSource = nil
        return machine.responseWritten()
    }

    /// Writes what the socket takes now: the chunks gathered in one call, or under TLS the first
    /// chunk (OpenSSL has no gathered write; it may take part of it).
    private func write(_ chunks: ArraySlice<ArraySlice<UInt8>>) -> SocketIO.WriteResult {
        guard let session, let chunk = chunks.first else { return SocketIO.write(fd, chunks) }
        let result = chunk.withUnsafeBytes { vodtls_write(session, $0.baseAddress, $0.count) }
        switch result {
        case 1...: return .wrote(result)
        case Int(VODTLS_WANT_READ), Int(VODTLS_WANT_WRITE): return .wouldBlock
        default: return .failed(0)
        }
    }

    private func waitUntilWritable() {
        guard writeSource == nil else { return }
        let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [self] in
            if isHandshaking {
                writeSource?.cancel()
                writeSource = nil
                advanceHandshake()
            } else if !pending.isEmpty {
                perform(flush())
            }
        }
        source.setCancelHandler { [self] in sourceCancelled() }
        liveSources += 1
        writeSource = source
        source.resume()
    }

    // MARK: Deadlines

    private func timerFired() {
        guard DispatchTime.now() >= deadline else {
            timer?.schedule(deadline: deadline, leeway: .milliseconds(50))
            return
        }
        deadline = .distantFuture
        if isLingering {
            perform(machine.failed())
            return
        }
        if isHandshaking {
            logger.debug("TLS handshake not finished in time", ["peer": peer])
            refusals?.count(.handshakeTimeout)
            perform(machine.failed())
            return
        }
        perform(machine.deadlinePassed())
    }

    // MARK: Closing

    private func resumeReading() {
        guard isReadSuspended, let readSource else { return }
        readSource.resume()
        isReadSuspended = false
    }

    private func close() {
        guard !isClosed else { return }
        isClosed = true
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
        guard liveSources == 0, isClosed else { return }
        Glibc.close(fd)
        onClosed(ObjectIdentifier(self))
    }
}
