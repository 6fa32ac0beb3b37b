import Primitives
import Synchronization

/// What the web configuration asks of every request before it is answered: the rate limit
/// (429), basic auth (401), and the extra response headers. Health probes (`/-/healthy`,
/// `/-/ready`) pass without credentials unless `protectsProbes`, so Kubernetes and systemd probes
/// need no secret.
public final class AccessControl: Sendable {
    private let configuration: @Sendable () -> WebConfiguration
    private let protectsProbes: Bool
    private let clock: @Sendable () -> Double
    private let verifier: PasswordVerifier
    private let limiter = Mutex<RequestRateLimiter?>(nil)
    private let refusals: RefusalCounter?

    /// - Parameters:
    ///   - configuration: the configuration in force, asked per request (a file may change).
    ///   - protectsProbes: whether the health endpoints need credentials too.
    ///   - clock: monotonic seconds, for the rate limit.
    ///   - refusals: counts the 401, 429 and 503 answers.
    public convenience init(configuration: @escaping @Sendable () -> WebConfiguration, protectsProbes: Bool = false,
                            clock: @escaping @Sendable () -> Double, refusals: RefusalCounter? = nil) {
        self.init(configuration: configuration, protectsProbes: protectsProbes, clock: clock, refusals: refusals, verifier: PasswordVerifier())
    }

    init(configuration: @escaping @Sendable () -> WebConfiguration, protectsProbes: Bool, clock: @escaping @Sendable () -> Double,
         refusals: RefusalCounter?, verifier: PasswordVerifier) {
        self.configuration = configuration
        self.protectsProbes = protectsProbes
        self.clock = clock
        self.refusals = refusals
        self.verifier = verifier
    }

    /// No limit, no auth, no headers.
    public static let open = AccessControl(configuration: { WebConfiguration() }, clock: { 0 })

    /// The refusal for a request to `path`, or nil when it may be answered; and the headers every
    /// response gets.
    public func check(path: String, authorization: String?, isProbe: Bool) -> (refusal: HTTPResponse?, headers: [(name: String, value: String)]) {
        let current = configuration()
        if let rate = current.rateLimit {
            let allowed = limiter.withLock { limiter -> Bool in
                if limiter?.interval != rate.interval || limiter?.burst != rate.burst {
                    limiter = RequestRateLimiter(interval: rate.interval, burst: rate.burst)
                }
                return limiter!.allow(now: clock())
            }
            if !allowed {
                refusals?.count(.rateLimited)
                return (.text(.tooManyRequests, "Too many requests.\n"), current.headers)
            }
        }
        guard !current.users.isEmpty && (!isProbe || protectsProbes) else { return (nil, current.headers) }
        switch verifier.check(authorization, users: current.users) {
        case .authorized:
            return (nil, current.headers)
        case .refused:
            refusals?.count(.unauthorized)
            return (.text(.unauthorized, "Unauthorized.\n", headers: [("WWW-Authenticate", PasswordVerifier.challenge)]), current.headers)
        case .busy:
            refusals?.count(.authBusy)
            return (.text(.serviceUnavailable, "Too many password checks at once; try again.\n", headers: [("Retry-After", "1")]), current.headers)
        }
    }
}
