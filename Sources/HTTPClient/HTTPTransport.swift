/// Sends one HTTP request and returns the answer: the only seam between the API client and
/// the network. Tests substitute a fake.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and waits at most `timeout` seconds for the whole answer.
    /// - Throws: ``TransportError`` when no complete HTTP answer arrives.
    func send(_ request: HTTPRequest, timeout: Double) async throws(TransportError) -> TransportResponse
}
