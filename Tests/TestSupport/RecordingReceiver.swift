import HTTPClient
import Synchronization
import VODAPI

/// A remote-write receiver behind the client's transport seam: decodes each request, keeps
/// its samples in arrival order, and can be switched down (503) or made to refuse requests that
/// hold certain samples (400, the whole request, as Prometheus does).
public final class RecordingReceiver: HTTPTransport {
    private struct State {
        var down = false
        var requests = 0
        var samples: [WriteRequestDecoder.Sample] = []
    }

    private let state = Mutex(State())
    private let refuses: @Sendable (WriteRequestDecoder.Sample) -> Bool

    /// - Parameter refuses: samples the receiver will not take; a request holding one is refused whole.
    public init(refuses: @escaping @Sendable (WriteRequestDecoder.Sample) -> Bool = { _ in false }) {
        self.refuses = refuses
    }

    /// While true, every request gets 503.
    public var down: Bool {
        get { state.withLock { $0.down } }
        set { state.withLock { $0.down = newValue } }
    }

    /// Every sample taken, in arrival order.
    public var samples: [WriteRequestDecoder.Sample] { state.withLock { $0.samples } }
    /// Requests received, answered or not.
    public var requests: Int { state.withLock { $0.requests } }

    public func send(_ request: HTTPRequest, timeout: Double) async throws(TransportError) -> TransportResponse {
        let down = state.withLock { state in
            state.requests += 1
            return state.down
        }
        if down { return TransportResponse(status: 503, body: Array("down for maintenance".utf8)) }
        guard request.headers["content-encoding"] == "snappy", let samples = try? WriteRequestDecoder.samples(body: request.body) else {
            return TransportResponse(status: 400, body: Array("cannot decode".utf8))
        }
        if samples.contains(where: refuses) { return TransportResponse(status: 400, body: Array("out of bounds".utf8)) }
        state.withLock { $0.samples += samples }
        return TransportResponse(status: 204)
    }
}
