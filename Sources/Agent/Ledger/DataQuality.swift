/// What the ledgers corrected or refused, over the process's life: settled buckets revised after
/// they were counted (by direction), buckets that fell outside every poll window, and values
/// that cannot be data.
public struct DataQuality: Sendable, Equatable {
    /// "up" and "down" → count.
    public var revisions: [String: UInt64] = [:]
    public var missedBuckets: UInt64 = 0
    public var invalidValues: UInt64 = 0

    mutating func add(_ outcome: IngestOutcome) {
        revisions["up", default: 0] += UInt64(outcome.upwardRevisions)
        revisions["down", default: 0] += UInt64(outcome.downwardRevisions)
        missedBuckets += UInt64(outcome.missedBuckets)
        invalidValues += UInt64(outcome.invalidValues)
    }
}
