/// What one poll saw of one series: the values of the buckets in the window it asked for.
public struct BucketObservation: Sendable, Equatable {
    /// The bucket starts the poll covered: `[lowerBound, upperBound)`, aligned to `interval`.
    public var window: Range<Int64>
    /// Bucket width in seconds (the response's `DataInterval`).
    public var interval: Int64
    /// Values by bucket start. A bucket of the window that is missing here had no data.
    public var values: [Int64: Double]
    /// When the poll's answer arrived (seconds since the epoch).
    public var now: Int64

    public init(window: Range<Int64>, interval: Int64, values: [Int64: Double], now: Int64) {
        precondition(interval > 0, "the interval is positive")
        self.window = window
        self.interval = interval
        self.values = values
        self.now = now
    }
}

/// What an observation changed in a ledger.
public struct IngestOutcome: Sendable, Equatable {
    /// Settled buckets counted for the first time.
    public var newBuckets = 0
    /// Settled buckets whose value changed after they were counted, up and down.
    public var upwardRevisions = 0
    public var downwardRevisions = 0
    /// Settled buckets newer than the cursor that fell outside every window before they were
    /// seen (a gap longer than the lookback or backfill): lost for good.
    public var missedBuckets = 0
    /// Values the API sent that cannot be bytes (negative, infinite, NaN), treated as absent.
    public var invalidValues = 0
    /// Observations not counted because their buckets are not 5 minutes wide.
    public var refusedObservations = 0

    public init() {}
}
