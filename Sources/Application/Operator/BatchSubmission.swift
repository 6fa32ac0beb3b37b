/// Sending cache batches in order, stopping at the first failure, and keeping what each step
/// did: every accepted batch's task ids and the URLs not sent. A purge spends quota, so what was
/// accepted must never be lost to a later failure.
enum BatchSubmission {
    /// One accepted batch.
    struct Accepted: Equatable {
        var urls: Int
        var taskIds: [String]
    }

    /// The batch that failed.
    struct Failure {
        var error: CommandFailure
        var urls: Int
    }

    struct Outcome {
        var accepted: [Accepted] = []
        var failure: Failure?
        /// The URLs of the failed batch and of every batch after it.
        var unsent: [String] = []

        var taskIds: [String] { accepted.flatMap(\.taskIds) }
        var acceptedURLs: Int { accepted.reduce(0) { $0 + $1.urls } }
    }

    /// Sends `batches` one after another; after a failure, nothing more is sent.
    /// - Parameter onAccepted: called as each batch is accepted (index, URLs, task ids).
    static func send(_ batches: [[String]], send: ([String]) async throws(CommandFailure) -> [String],
                     onAccepted: (Int, [String], [String]) -> Void) async -> Outcome {
        var outcome = Outcome()
        for (index, batch) in batches.enumerated() {
            do {
                let ids = try await send(batch)
                outcome.accepted.append(Accepted(urls: batch.count, taskIds: ids))
                onAccepted(index, batch, ids)
            } catch {
                outcome.failure = Failure(error: error, urls: batch.count)
                outcome.unsent = Array(batches[index...].joined())
                break
            }
        }
        return outcome
    }
}
