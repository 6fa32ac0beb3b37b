import CCurl
import Dispatch
import Glibc
import Synchronization

/// The transport the agent uses on Linux: the system libcurl called directly, one reusable
/// easy handle (with its connections and TLS sessions) per concurrent request.
///
/// URLSession on Linux leaks a copy of every request's URL inside FoundationNetworking; over
/// thousands of calls a cycle that is resident memory that only grows. Here every allocation is
/// ours to free. Each request blocks one of our own serial Dispatch queues ("lanes"), never a
/// Swift concurrency thread; the API client's gate bounds how many run at once.
public final class CurlTransport: HTTPTransport {
    /// Answers larger than this many bytes (after decompression) fail with
    /// ``TransportError/Kind/responseTooLarge``.
    public let maxResponseBytes: Int
    /// How https servers are checked (the system's trust store unless the operator says otherwise).
    public let tls: ClientTLS
    private let idleLanes = Mutex<[Lane]>([])
    private let maxIdleLanes: Int

    /// - Throws: ``TransportError`` (kind `clientUnavailable`, with the fix) when libcurl.so.4
    ///   cannot be loaded.
    public init(maxResponseBytes: Int = 32 * 1024 * 1024, maxIdleLanes: Int = 32, tls: ClientTLS = .system) throws(TransportError) {
        precondition(maxResponseBytes > 0 && maxIdleLanes >= 0, "limits are positive")
        if let reason = Self.loadFailure { throw Self.unavailable(reason) }
        self.maxResponseBytes = maxResponseBytes
        self.tls = tls
        self.maxIdleLanes = maxIdleLanes
    }

    /// The error for a libcurl that cannot be loaded for `reason`: it names the fix.
    static func unavailable(_ reason: String) -> TransportError {
        TransportError(kind: .clientUnavailable, detail: "\(reason) (install libcurl: apt-get install libcurl4)")
    }

    /// Why libcurl cannot be used here, or nil when it can. Loaded once per process.
    public static let loadFailure: String? = {
        var reason = [CChar](repeating: 0, count: 256)
        return vodcurl_load(&reason, reason.count) == 0 ? nil : String(decoding: reason.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
    }()

    public func send(_ request: HTTPRequest, timeout: Double) async throws(TransportError) -> TransportResponse {
        let deadline = CurlRequest.Deadline.total(timeout)
        let exchange = Exchange(bodyLimit: maxResponseBytes)
        let code = await perform(try CurlRequest(request, deadline: deadline, tls: tls), exchange: exchange)
        return try exchange.response(code: code, deadline: deadline).get()
    }

    /// Sends `request` and streams a 200 or 206 answer's body into `descriptor` (a file opened
    /// with `O_APPEND`), as the bytes arrive and exactly as sent (no content decoding). A 200
    /// answer empties the file first: the server sent the whole file, not the range asked for.
    /// Any other status keeps its body in the response (capped at `maxResponseBytes`).
    ///
    /// - Parameter stallTimeout: the transfer fails after this many seconds without progress;
    ///   there is no overall deadline, so a large file may take as long as it needs.
    /// - Returns: the answer; its body is empty when it went to the file.
    public func download(_ request: HTTPRequest, into descriptor: Int32, stallTimeout: Double) async throws(TransportError) -> TransportResponse {
        precondition(descriptor >= 0, "an open file")
        let deadline = CurlRequest.Deadline.stall(stallTimeout)
        let exchange = Exchange(bodyLimit: maxResponseBytes)
        exchange.raw.pointee.to_file = 1
        exchange.raw.pointee.file_descriptor = descriptor
        let code = await perform(try CurlRequest(request, deadline: deadline, tls: tls), exchange: exchange)
        return try exchange.response(code: code, deadline: deadline).get()
    }

    /// Runs the exchange on a lane and waits for it without blocking a Swift concurrency thread.
    private func perform(_ prepared: CurlRequest, exchange: Exchange) async -> Int32 {
        let lane = takeLane()
        let code = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                lane.queue.async {
                    continuation.resume(returning: prepared.perform(on: lane.handle, exchange: exchange.raw))
                }
            }
        } onCancel: {
            exchange.cancel()
        }
        returnLane(lane)
        return code
    }

    private func takeLane() -> Lane {
        idleLanes.withLock { $0.popLast() } ?? Lane()
    }

    /// A lane beyond the idle limit is dropped, which closes its connections.
    private func returnLane(_ lane: Lane) {
        idleLanes.withLock { lanes in
            if lanes.count < maxIdleLanes { lanes.append(lane) }
        }
    }
}

/// A serial queue and the easy handle it alone uses.
///
/// - Important: `@unchecked Sendable`: the handle is only touched on `queue`, by one request at
///   a time (a lane is either idle in the pool or checked out by exactly one request).
private final class Lane: @unchecked Sendable {
    let queue = DispatchQueue(label: "vodcdn.http-client")
    let handle: UnsafeMutableRawPointer?

    init() {
        handle = vodcurl_handle_create()
    }

    deinit {
        vodcurl_handle_destroy(handle)
    }
}

/// The C side's result buffers for one request.
///
/// - Important: `@unchecked Sendable`: the buffers are written only by the lane performing the
///   request and read after it has resumed the waiting task; `cancel` only sets an atomic flag.
private final class Exchange: @unchecked Sendable {
    let raw: UnsafeMutablePointer<vodcurl_exchange>

    init(bodyLimit: Int) {
        raw = .allocate(capacity: 1)
        raw.initialize(to: vodcurl_exchange())
        raw.pointee.body_limit = bodyLimit
    }

    deinit {
        vodcurl_exchange_release(raw)
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    func cancel() {
        vodcurl_exchange_cancel(raw)
    }

    /// The response, or the error that `code` (libcurl's result) stands for.
    func response(code: Int32, deadline: CurlRequest.Deadline) -> Result<TransportResponse, TransportError> {
        let exchange = raw.pointee
        let failureText = withUnsafeBytes(of: raw.pointee.error) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let fileWriteFailure = exchange.file_error != 0 ? String(cString: strerror(exchange.file_error)) : nil
        if let error = CurlResult.error(code: Int(code), description: String(cString: vodcurl_describe(code)), failureText: failureText,
                                        bodyTooLarge: exchange.body_too_large != 0, headTooLarge: exchange.head_too_large != 0,
                                        fileWriteFailure: fileWriteFailure, deadline: deadline) {
            return .failure(error)
        }
        guard exchange.status > 0 else { return .failure(TransportError(kind: .other, detail: "no HTTP response")) }
        let head = exchange.head.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: exchange.head_length), as: UTF8.self) } ?? ""
        let body = exchange.body.map { Array(UnsafeBufferPointer(start: $0, count: exchange.body_length)) } ?? []
        return .success(TransportResponse(status: Int(exchange.status), headers: ResponseHead.headers(of: head), body: body))
    }
}
