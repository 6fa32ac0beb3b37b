/// Settings of the listener, with defaults that suit a Prometheus exporter.
public struct HTTPServerConfiguration: Sendable {
    /// Where to listen (`--web.listen-address`).
    public var listenAddress: ListenAddress
    /// Head, target and header-count limits (431 / 414 / 431).
    public var limits: HTTPParseLimits
    /// Seconds a client has to send a complete request head, from its first byte (or from
    /// connecting); slower clients get 408 and are closed. Default 10 s (Prometheus's default
    /// scrape timeout).
    public var headTimeout: Double
    /// Seconds an idle keep-alive connection stays open between requests. Default 120 s, above
    /// the usual scrape intervals, so Prometheus keeps reusing its connection.
    public var idleTimeout: Double
    /// Seconds to write one response before the connection is dropped. Default 30 s.
    public var writeTimeout: Double
    /// Open connections beyond which new ones get 503 and are closed. Default 2,048; lowered
    /// at start when the open-files limit would not allow it.
    public var maxConnections: Int
    /// Open connections from one address beyond which new ones from it are closed at once, so
    /// one client (a flood of stalled handshakes) cannot take every slot. Default 256.
    public var maxConnectionsPerClient: Int
    /// Seconds a TLS handshake may take, from connecting; shorter than the head timeout, so
    /// stalled handshakes free their slot sooner. Default 5 s (at most the head timeout).
    public var handshakeTimeout: Double
    /// The kernel's queue of connections not yet accepted.
    public var backlog: Int32
    /// The TLS context each new connection uses (asked per connection, so a renewed certificate
    /// applies to the next one); nil serves plain HTTP.
    public var tls: (@Sendable () -> TLSContext?)?

    public init(
        listenAddress: ListenAddress,
        limits: HTTPParseLimits = HTTPParseLimits(),
        headTimeout: Double = 10,
        idleTimeout: Double = 120,
        writeTimeout: Double = 30,
        maxConnections: Int = 2048,
        maxConnectionsPerClient: Int = 256,
        handshakeTimeout: Double = 5,
        backlog: Int32 = 1024
    ) {
        precondition(headTimeout > 0 && idleTimeout > 0 && writeTimeout > 0 && handshakeTimeout > 0, "timeouts must be positive")
        precondition(maxConnections > 0 && maxConnectionsPerClient > 0 && backlog > 0, "connection limits must be positive")
        self.listenAddress = listenAddress
        self.limits = limits
        self.headTimeout = headTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient
        self.handshakeTimeout = min(handshakeTimeout, headTimeout)
        self.backlog = backlog
    }
}
