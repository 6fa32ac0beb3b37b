/// Turns a parsed request into a response. Called on the connection's own Dispatch queue, so it
/// may block briefly (reading `/proc`) but must not wait on Swift concurrency.
public protocol HTTPHandler: Sendable {
    func respond(to request: HTTPRequestHead) -> HTTPResponse
}
