import VODAPI

/// What one collector run did: the health book's input.
struct RunReport: Sendable {
    /// One way items failed in a run.
    struct Failure: Sendable, Equatable {
        var count: Int
        /// The first error of this kind, for the log line.
        var example: VODClientError?
        /// The item it stopped (a domain, or the first domain of a call).
        var exampleItem: String
    }

    var collector: String
    /// Wall-clock seconds: when the run was due (its grid point, or when it was asked for),
    /// and when it ended.
    var scheduledAt: Double
    var endedAt: Double
    /// Wall-clock seconds of the run's first call and its last answer.
    var firstCall: Double?
    var lastAnswer: Double?
    var items = 0
    var succeeded = 0
    /// Failed items by kind (`server_error:ServiceUnavailable`, `deadline`, …).
    var failures: [String: Failure] = [:]
    /// Set when the run could do nothing at all.
    var problem: RunProblem?

    var failedItems: Int { failures.values.reduce(0) { $0 + $1.count } }
    /// Every item finished.
    var succeededFully: Bool { problem == nil && failedItems == 0 }

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
