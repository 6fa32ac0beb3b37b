import Logging
import WebServer

/// The simulated API on its own listener: used in-process by tests and the demo (port 0) and
/// by `vodcdn-exporter simulate`.
public final class SimulatorServer: Sendable {
    public let api: SimulatedVOD
    private let server: HTTPServer

    public init(configuration: SimulatorConfiguration, listenAddress: ListenAddress, logger: Logger = .disabled,
                clock: (@Sendable () -> Int64)? = nil) {
        api = clock.map { SimulatedVOD(configuration: configuration, clock: $0) } ?? SimulatedVOD(configuration: configuration)
        server = HTTPServer(
            configuration: HTTPServerConfiguration(listenAddress: listenAddress, limits: HTTPParseLimits(maxHeadBytes: 16 * 1024, maxTargetBytes: 8 * 1024, maxBodyBytes: 1 << 20),
                                                   headTimeout: 30, idleTimeout: 60),
            handler: api, logger: logger)
    }

    /// Binds and serves. - Returns: the bound port.
    @discardableResult
    public func start() throws(SocketError) -> UInt16 {
        try server.start()
    }

    /// The endpoint URL clients should use.
    public var endpoint: String {
        "http://127.0.0.1:\(server.port ?? 0)"
    }

    public func stop() {
        api.prepareToStop()
        server.stop(gracePeriod: 1)
    }
}
