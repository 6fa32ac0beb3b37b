/// How a ``VODClient`` reaches and signs for the API.
public struct VODClientConfiguration: Sendable {
    /// Where requests go; VOD CDN operations are served only from Shanghai.
    public var endpoint: Endpoint
    public var signatureVersion: SignatureVersion
    /// The overall deadline of one attempt, in seconds.
    public var requestTimeout: Double
    public var retryPolicy: RetryPolicy
    /// Pause every caller for this long after a throttling answer with no retry hint.
    public var throttlePause: Double
    public var userAgent: String

    public init(
        endpoint: Endpoint = .vodDefault, signatureVersion: SignatureVersion = .v3, requestTimeout: Double = 10,
        retryPolicy: RetryPolicy = RetryPolicy(), throttlePause: Double = 1, userAgent: String = "vodcdn-exporter"
    ) {
        precondition(requestTimeout > 0, "the request timeout must be positive")
        self.endpoint = endpoint
        self.signatureVersion = signatureVersion
        self.requestTimeout = requestTimeout
        self.retryPolicy = retryPolicy
        self.throttlePause = throttlePause
        self.userAgent = userAgent
    }
}

/// What one attempt of a call did, for self-monitoring and debug logs. Carries no secrets; the
/// action and result label are bounded values (metric labels), the rest is only logged.
public struct RequestRecord: Sendable, Equatable {
    public var action: String
    /// `ok` or one of ``VODClientError/resultLabel``.
    public var result: String
    /// Seconds from sending to the answer (or failure), gate waiting excluded.
    public var duration: Double
    /// 1 for the first attempt.
    public var attempt: Int
    /// The `RequestId` of the answer, when one came.
    public var requestId: String?
    /// The `DomainName` parameter of the call, when it has one (one domain or a comma list).
    public var domains: String?

    public init(action: String, result: String, duration: Double, attempt: Int, requestId: String? = nil, domains: String? = nil) {
        self.action = action
        self.result = result
        self.duration = duration
        self.attempt = attempt
        self.requestId = requestId
        self.domains = domains
    }
}

/// A retry about to happen: what failed and how long the client waits. No secrets.
public struct RetryNotice: Sendable, Equatable {
    public var action: String
    /// The attempt that failed (1 for the first).
    public var failedAttempt: Int
    public var maxAttempts: Int
    /// The result label, with the API's code when there is one (`throttled Throttling.User`).
    public var reason: String
    /// Seconds until the next attempt.
    public var wait: Double

    public init(action: String, failedAttempt: Int, maxAttempts: Int, reason: String, wait: Double) {
        self.action = action
        self.failedAttempt = failedAttempt
        self.maxAttempts = maxAttempts
        self.reason = reason
        self.wait = wait
    }

    /// One line for a terminal: `DescribeVodDomainTrafficData: attempt 1 of 4 failed (transport_error); retrying in 1.2 s`.
    public var line: String {
        "\(action): attempt \(failedAttempt) of \(maxAttempts) failed (\(reason)); retrying in \((wait * 10).rounded() / 10) s"
    }
}
