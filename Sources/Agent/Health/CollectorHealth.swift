/// How a collector's runs went: what its health metrics show.
public struct CollectorHealth: Sendable, Equatable {
    /// Every item of the latest run finished.
    public var lastSucceeded = false
    /// At least one item of the latest run finished: data arrived.
    public var lastGotData = false
    /// Seconds since the epoch when the last fully successful run ended; nil before one.
    public var lastSuccess: Int64?
    /// Seconds from the latest run's first call to its last answer (API time).
    public var lastDuration = 0.0
    /// Seconds from the latest run's start (its grid point) to its end, spread included.
    public var lastElapsed = 0.0
    public var runs: UInt64 = 0
    /// Items that failed over the collector's life, by reason (a result label, `deadline`,
    /// `no_domain_list`, `no_domains`).
    public var failures: [String: UInt64] = [:]
    /// Why the latest run was not a success, for `/-/ready` and logs.
    public var lastProblem: String?
    /// The kinds of error of the latest run: a kind not among them is logged.
    var lastKinds: Set<String> = []

    public init() {}
}

/// Refresh tasks by type and status.
public struct TaskCountKey: Hashable, Sendable {
    public let type: String
    public let status: String
}
