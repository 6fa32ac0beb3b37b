import HTTPClient
import Synchronization
@testable import VODAPI

/// A transport that answers from a script and records every request it was given.
final class FakeTransport: HTTPTransport {
    typealias Handler = @Sendable (HTTPRequest, Int) throws(TransportError) -> TransportResponse

    private let handler: Handler
    private let log = Mutex<[HTTPRequest]>([])

    /// `handler` gets each request and its 0-based index.
    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    var requests: [HTTPRequest] { log.withLock { $0 } }

    func send(_ request: HTTPRequest, timeout: Double) async throws(TransportError) -> TransportResponse {
        let index = log.withLock { log in
            log.append(request)
            return log.count - 1
        }
        return try handler(request, index)
    }

    static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> TransportResponse {
        TransportResponse(status: status, headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }), body: Array(text.utf8))
    }
}

/// A clock that never really sleeps: sleeping advances it and is recorded.
final class ManualTime: TimeSource {
    private let state: Mutex<(now: Double, slept: [Double])>

    init(now: Double = 1_714_564_800) {
        state = Mutex((now, []))
    }

    func now() -> Double { state.withLock { $0.now } }
    func monotonic() -> Double { state.withLock { $0.now } }
    func sleep(seconds: Double) async throws {
        state.withLock {
            $0.now += max(seconds, 0)
            $0.slept.append(seconds)
        }
    }
    func advance(_ seconds: Double) { state.withLock { $0.now += seconds } }
    var sleeps: [Double] { state.withLock { $0.slept } }
}
