import Dispatch
import Logging
import Primitives
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP/1.1 listener: POSIX sockets driven by Dispatch sources, no third-party code.
///
/// One serial queue accepts; each connection has its own serial queue on a shared concurrent
/// one, so a slow client never holds up another. All socket I/O is non-blocking and stays off
/// the Swift concurrency pool.
public final class HTTPServer: Sendable {
    /// Lifecycle state, decided under the lock and acted on after it.
    private struct State {
        var listeningFD: Int32 = -1
        var port: UInt16 = 0
        var acceptSource: (any DispatchSourceRead)?
        var connections: [ObjectIdentifier: Connection] = [:]
        /// Admitted connections being served, and ones being answered 503.
        var serving = 0
        var rejecting = 0
        var isStopping = false
        /// Accepting is paused after running out of descriptors; a paused source must be
        /// resumed before it is cancelled or released.
        var isAcceptPaused = false
        var maxConnections: Int
        /// Open connections by peer address, for the per-client limit.
        var perClient: [String: Int] = [:]
        /// Each open connection's peer address.
        var clientOf: [ObjectIdentifier: String] = [:]
    }

    private let configuration: HTTPServerConfiguration
    private let handler: any HTTPHandler
    private let logger: Logger
    /// What the listener turned away, by reason (its metrics and a line a minute).
    public let refusals: RefusalCounter
    private let state: Mutex<State>
    private let acceptQueue = DispatchQueue(label: "vodcdn.web.accept")
    private let connectionQueue = DispatchQueue(label: "vodcdn.web.connections", attributes: .concurrent)
    private let closedSignal = DispatchSemaphore(value: 0)
    /// Signalled by the accept source's cancel handler once the listening descriptor is closed.
    private let listenerClosed = DispatchSemaphore(value: 0)
    /// Connections past the limit that are being answered 503; beyond this many they are closed
    /// without an answer.
    private static let maxRejecting = 64

    /// - Parameter refusals: counts what the listener turns away (shared with the access control,
    ///   which counts 401, 429 and 503); a new one by default.
    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger = .disabled, refusals: RefusalCounter? = nil) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.refusals = refusals ?? RefusalCounter(logger: logger, clock: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 })
        self.state = Mutex(State(maxConnections: configuration.maxConnections))
    }

    /// Binds, listens and starts accepting.
    /// - Returns: the bound port (the chosen one when the configuration says port 0).
    /// - Throws: `SocketError` when the address cannot be bound (in use, no permission…).
    @discardableResult
    public func start() throws(SocketError) -> UInt16 {
        // The process's limits are the application's (ProcessSettings raises the open-files
        // limit at start-up); the listener only fits its connections into them.
        let fileLimit = OpenFilesLimit.current()
        let (fd, port) = try ListeningSocket.open(configuration.listenAddress, backlog: configuration.backlog)
        let allowed = max(1, Int(min(fileLimit, UInt64(Int.max))) - 64)
        if configuration.maxConnections > allowed {
            logger.warn("lowering the connection limit to fit the open-files limit", [
                "configured": String(configuration.maxConnections), "limit": String(allowed),
            ])
        }
        state.withLock { state in
            precondition(state.listeningFD < 0 && !state.isStopping, "start() is called once")
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
            source.setEventHandler { [self] in acceptPending(fd) }
            let listenerClosed = listenerClosed
            source.setCancelHandler {
                shutdown(fd, Int32(SHUT_RDWR))
                Glibc.close(fd)
                listenerClosed.signal()
            }
            state.listeningFD = fd
            state.port = port
            state.acceptSource = source
            state.maxConnections = min(configuration.maxConnections, allowed)
            source.resume()
        }
        logger.info("listening", ["address": configuration.listenAddress.description, "port": String(port), "tls": configuration.tls == nil ? "off" : "on"])
        return port
    }

    /// The bound port, or nil before `start()`.
    public var port: UInt16? {
        state.withLock { $0.listeningFD >= 0 ? $0.port : nil }
    }

    /// Connections open now (including ones being refused with 503).
    public var openConnections: Int {
        state.withLock { $0.connections.count }
    }

    /// Stops accepting, lets responses in flight finish for up to `gracePeriod` seconds, then
    /// closes whatever is left. Blocks the calling thread until every descriptor is closed;
    /// call it from a thread that may block (not from the Swift concurrency pool).
    public func stop(gracePeriod: Double = 5) {
        let (source, connections) = state.withLock { state -> ((any DispatchSourceRead)?, [Connection]) in
            state.isStopping = true
            let source = state.acceptSource
            state.acceptSource = nil
            if state.isAcceptPaused {
                source?.resume()
                state.isAcceptPaused = false
            }
            return (source, Array(state.connections.values))
        }
        if let source {
            source.cancel()
            listenerClosed.wait()
        }
        for connection in connections { connection.requestClose() }
        let deadline = DispatchTime.now() + gracePeriod
        var forced = false
        while openConnections > 0 {
            if closedSignal.wait(timeout: forced ? .now() + 1 : deadline) == .timedOut {
                if forced { break }
                forced = true
                let remaining = state.withLock { Array($0.connections.values) }
                logger.warn("grace period over; closing connections", ["open": String(remaining.count)])
                for connection in remaining { connection.forceClose() }
            }
        }
        state.withLock { $0.listeningFD = -1 }
        logger.info("stopped listening")
    }

    /// Stops as `stop(gracePeriod:)` does, waiting on a Dispatch thread instead of the caller's.
    public func stop(gracePeriod: Double = 5) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [self] in
                stop(gracePeriod: gracePeriod)
                continuation.resume()
            }
        }
    }

    // MARK: Accepting

    private func acceptPending(_ listeningFD: Int32) {
        while true {
            let fd = accept(listeningFD, nil, nil)
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    return
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: pause accepting briefly instead of spinning on a
                    // listening socket that stays readable.
                    let code = errno
                    logger.warn("cannot accept connections now", ["error": SocketError("accept", code: code).description])
                    pauseAccepting()
                    return
                default:
                    logger.error("accept failed", ["error": SocketError.current("accept").description])
                    return
                }
            }
            SocketIO.prepareAccepted(fd)
            admit(fd)
        }
    }

    private func pauseAccepting() {
        state.withLock { state in
            guard let source = state.acceptSource, !state.isAcceptPaused else { return }
            source.suspend()
            state.isAcceptPaused = true
        }
        acceptQueue.asyncAfter(deadline: .now() + 0.1) { [self] in
            state.withLock { state in
                guard let source = state.acceptSource, state.isAcceptPaused else { return }
                source.resume()
                state.isAcceptPaused = false
            }
        }
    }

    private enum Admission {
        case serve, reject, drop(RefusalCounter.Reason?)
    }

    private func admit(_ fd: Int32) {
        let peer = SocketIO.peer(fd)
        let client = peer?.host ?? "unknown"
        let admission = state.withLock { state -> Admission in
            if state.isStopping { return .drop(nil) }
            // One address cannot hold every slot (a flood of stalled handshakes).
            if state.perClient[client, default: 0] >= configuration.maxConnectionsPerClient { return .drop(.perClientLimit) }
            if state.serving < state.maxConnections {
                state.serving += 1
                state.perClient[client, default: 0] += 1
                return .serve
            }
            guard state.rejecting < Self.maxRejecting else { return .drop(.overCapacity) }
            state.rejecting += 1
            state.perClient[client, default: 0] += 1
            return .reject
        }
        if case .drop(let reason) = admission {
            Glibc.close(fd)
            if let reason { refusals.count(reason) }
            return
        }
        let isRejecting = if case .reject = admission { true } else { false }
        let connection = Connection(fd: fd, peer: SocketIO.describe(peer), isRejecting: isRejecting, targetQueue: connectionQueue, environment: ConnectionEnvironment(
            configuration: configuration, handler: handler, logger: logger,
            date: { UTCTimestamp.formatHTTPDate(Int64(time(nil))) },
            onClosed: { [weak self] id in self?.connectionClosed(id) },
            tls: configuration.tls ?? { nil },
            refusals: refusals
        ))
        // Registered before it starts, so its close always finds it.
        state.withLock {
            $0.connections[ObjectIdentifier(connection)] = connection
            $0.clientOf[ObjectIdentifier(connection)] = client
        }
        if isRejecting {
            logger.debug("connection limit reached; answering 503", ["limit": String(configuration.maxConnections)])
            refusals.count(.connectionLimit)
            connection.start(rejection: .text(.serviceUnavailable, "Too many open connections; try again later.\n", headers: [("Retry-After", "1")]))
        } else {
            connection.start()
        }
        // A stop that began meanwhile did not see this connection: close it the same way.
        if state.withLock({ $0.isStopping }) { connection.requestClose() }
    }

    private func connectionClosed(_ id: ObjectIdentifier) {
        state.withLock { state in
            guard let connection = state.connections.removeValue(forKey: id) else { return }
            if connection.isRejecting { state.rejecting -= 1 } else { state.serving -= 1 }
            if let client = state.clientOf.removeValue(forKey: id) {
                let left = state.perClient[client, default: 1] - 1
                state.perClient[client] = left > 0 ? left : nil
            }
        }
        closedSignal.signal()
    }
}
