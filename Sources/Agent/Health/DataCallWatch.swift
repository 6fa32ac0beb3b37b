import Primitives
import VODAPI

/// Whether data calls still succeed, judged while they happen instead of when a run ends: data
/// has *stopped* when no data call has succeeded for `threshold` seconds while one is waiting
/// for its answer or has failed in a way that stops every call (no answer, credentials, keys,
/// account, server errors). Answers about one operation or one domain (throttling, a missing
/// permission, a bad parameter) are left to the runs' reports, so one failing collector does
/// not take `up` down while another delivers.
struct DataCallWatch: Sendable {
    /// Why data has stopped.
    struct Stop: Sendable, Equatable {
        /// When a data call last succeeded (or the watch began).
        var lastSuccess: Double
        /// Calls waiting for their answer.
        var waiting: Int
        /// The latest failure that stops every call, if any.
        var latestFailure: String?

        /// One line for `/-/ready`.
        var description: String {
            var text = "no data call has succeeded since \(UTCTimestamp.format(Int64(lastSuccess)))"
            var why: [String] = []
            if waiting > 0 { why.append("\(waiting) waiting for an answer") }
            if let latestFailure { why.append("latest failure: \(latestFailure)") }
            if !why.isEmpty { text += " (" + why.joined(separator: "; ") + ")" }
            return text
        }
    }

    /// Seconds without a success, with a call waiting or failing, after which data has stopped.
    let threshold: Double
    /// When a data call last succeeded; until the first, when the watch began.
    private(set) var lastSuccess: Double
    /// Whether a data call has succeeded since the watch began.
    private(set) var hasSucceeded = false
    /// Calls that began and have not ended.
    private var waiting = 0
    private var latestFailure: String?

    init(threshold: Double, start: Double) {
        precondition(threshold > 0, "a positive threshold")
        self.threshold = threshold
        lastSuccess = start
    }

    /// A data call began.
    mutating func began() {
        waiting += 1
    }

    /// A data call ended at `time`, with its error if it failed.
    mutating func ended(error: VODClientError?, at time: Double) {
        precondition(waiting > 0, "a call ends after it began")
        waiting -= 1
        guard let error else {
            lastSuccess = max(lastSuccess, time)
            hasSucceeded = true
            latestFailure = nil
            return
        }
        if Self.stopsEveryCall(error) { latestFailure = error.description }
    }

    /// Whether data has stopped at `now`, and why; nil while data calls succeed.
    func stop(at now: Double) -> Stop? {
        guard waiting > 0 || latestFailure != nil, now - lastSuccess >= threshold else { return nil }
        return Stop(lastSuccess: lastSuccess, waiting: waiting, latestFailure: latestFailure)
    }

    /// Whether an error says nothing about the operation or domain asked for: the next call of
    /// any collector would fail the same way.
    static func stopsEveryCall(_ error: VODClientError) -> Bool {
        switch error {
        case .transport, .credentials: return true
        case .invalidRequest, .decoding: return false
        case .api(_, let answer):
            switch answer.category {
            case .serverError: return true
            case .throttled, .request: return false
            case .authentication:
                // Permissions are granted per operation; a suspended account stops everything.
                return answer.code == "OperationDenied.Suspended" || !(answer.code.hasPrefix("Forbidden") || answer.code.hasPrefix("OperationDenied"))
            }
        }
    }
}
