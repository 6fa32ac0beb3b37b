/// A long-running part of the process (the collectors, the remote-write shipper, the listener,
/// the signal handling), in the shape of swift-service-lifecycle's `Service`: it runs until its
/// graceful shutdown is requested, then finishes what it must and returns. Cancellation of its
/// task is the hard stop: it returns as soon as it can.
public protocol Service: Sendable {
    func run(until shutdown: GracefulShutdown) async
}
