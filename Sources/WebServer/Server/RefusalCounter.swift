import Logging
import Synchronization

/// What the listener turned away, by reason: counted for the metrics, and said in one warning
/// line at most once a minute (a flood is visible without a line per connection).
public final class RefusalCounter: Sendable {
    /// Why a connection or request was turned away.
    public enum Reason: String, CaseIterable, Sendable, Comparable {
        /// Over `--web.max-connections`: answered 503.
        case connectionLimit = "connection_limit"
        /// Over the limit with every 503 slot taken: closed without an answer.
        case overCapacity = "over_capacity"
        /// Over `--web.max-connections-per-client` from one address: closed at once.
        case perClientLimit = "per_client_limit"
        /// The TLS handshake did not finish within its deadline.
        case handshakeTimeout = "handshake_timeout"
        /// The TLS handshake failed (versions, ciphers, curves, a broken client).
        case handshakeFailed = "handshake_failed"
        /// A client certificate was missing, not verified, or without an allowed SAN.
        case clientCertificate = "client_certificate"
        /// Plain HTTP on the TLS port: answered 400.
        case plainHTTP = "plain_http"
        /// Basic auth failed: 401.
        case unauthorized
        /// Over `rate_limit`: 429.
        case rateLimited = "rate_limited"
        /// Too many password checks at once: 503.
        case authBusy = "auth_busy"

        public static func < (lhs: Reason, rhs: Reason) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private struct State {
        var totals: [Reason: UInt64] = [:]
        var unlogged: [Reason: UInt64] = [:]
        var lastLine: Double?
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let clock: @Sendable () -> Double
    private let logEvery: Double

    /// - Parameters:
    ///   - clock: monotonic seconds.
    ///   - logEvery: seconds between warning lines.
    public init(logger: Logger = .disabled, clock: @escaping @Sendable () -> Double, logEvery: Double = 60) {
        self.logger = logger
        self.clock = clock
        self.logEvery = logEvery
    }

    /// Counts one refusal, and logs what was refused since the last line when a minute has passed.
    public func count(_ reason: Reason) {
        let now = clock()
        let line = state.withLock { state -> [Reason: UInt64]? in
            state.totals[reason, default: 0] += 1
            state.unlogged[reason, default: 0] += 1
            if let last = state.lastLine, now - last < logEvery { return nil }
            state.lastLine = now
            defer { state.unlogged = [:] }
            return state.unlogged
        }
        guard let line else { return }
        var fields = Dictionary(uniqueKeysWithValues: line.map { ($0.key.rawValue, String($0.value)) })
        fields["note"] = "counted in aliyun_vod_exporter_web_refused_total; this line at most once a minute"
        logger.warn("connections or requests refused", fields)
    }

    /// Every refusal so far, by reason.
    public var totals: [Reason: UInt64] {
        state.withLock { $0.totals }
    }
}
