/// A request as the handler gets it: the head and, where the limits allow bodies, the body.
public struct IncomingRequest: Sendable {
    public let head: HTTPRequestHead
    public let body: [UInt8]

    public init(head: HTTPRequestHead, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }
}

/// Turns a parsed request into a response. Called on the connection's own Dispatch queue, so it
/// may block briefly (reading `/proc`) but must not wait on Swift concurrency.
public protocol HTTPHandler: Sendable {
    func respond(to request: IncomingRequest) -> HTTPResponse
}
