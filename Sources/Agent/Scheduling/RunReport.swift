import VODAPI

/// What one collector run did: the health book's input, and what `AgentService` hands to
/// its `afterRun` observer.
public struct RunReport: Sendable {
    /// One way items failed in a run.
    public struct Failure: Sendable, Equatable {
        public internal(set) var count: Int
        /// The first error of this kind, for the log line.
        public internal(set) var example: VODClientError?
        /// The item it stopped (a domain, or the first domain of a call).
        public internal(set) var exampleItem: String
    }

    public internal(set) var collector: AgentConfiguration.Collector
    /// Wall-clock seconds: when the run was due (its grid point, or when it was asked for),
    /// and when it ended.
    public internal(set) var scheduledAt: Double
    public internal(set) var endedAt: Double
    /// Wall-clock seconds of the run's first call and its last answer.
    public internal(set) var firstCall: Double?
    public internal(set) var lastAnswer: Double?
    public internal(set) var items = 0
    public internal(set) var succeeded = 0
    /// Failed items by kind (`server_error:ServiceUnavailable`, `deadline`, …).
    public internal(set) var failures: [String: Failure] = [:]
    /// Set when the run could do nothing at all.
    public internal(set) var problem: RunProblem?

    public var failedItems: Int { failures.values.reduce(0) { $0 + $1.count } }
    /// Every item finished.
    public var succeededFully: Bool { problem == nil && failedItems == 0 }

    /// The kind of a failure: its metric label plus the API's code, which is what tells two
    /// API errors apart.
    static func kind(of error: VODClientError) -> String {
        error.apiError.map { "\(error.resultLabel):\($0.code)" } ?? error.resultLabel
    }

    mutating func recordFailure(_ kind: String, item: String, error: VODClientError?, count: Int = 1) {
        if var known = failures[kind] {
            known.count += count
            failures[kind] = known
        } else {
            failures[kind] = Failure(count: count, example: error, exampleItem: item)
        }
    }
}
