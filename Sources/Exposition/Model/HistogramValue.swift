/// The state of one histogram series: cumulative bucket counts, total count and sum.
public struct HistogramValue: Equatable, Sendable {
    /// One finite bucket: observations less than or equal to `upperBound`, cumulatively.
    public struct Bucket: Equatable, Sendable {
        public let upperBound: Double
        public let cumulativeCount: UInt64

        public init(upperBound: Double, cumulativeCount: UInt64) {
            self.upperBound = upperBound
            self.cumulativeCount = cumulativeCount
        }
    }

    /// Finite buckets in increasing bound order; the `+Inf` bucket is implied by `count`.
    public let buckets: [Bucket]
    /// Number of observations (the `+Inf` bucket and `_count`).
    public let count: UInt64
    /// Sum of observations.
    public let sum: Double

    public init(buckets: [Bucket], count: UInt64, sum: Double) {
        self.buckets = buckets
        self.count = count
        self.sum = sum
    }

    /// Why this value cannot be rendered, or nil when it is well formed.
    var problem: String? {
        var previous: Bucket?
        for bucket in buckets {
            if !bucket.upperBound.isFinite { return "bucket bound \(bucket.upperBound) is not finite (+Inf is implied)" }
            if let previous {
                if bucket.upperBound <= previous.upperBound { return "bucket bounds are not strictly increasing" }
                if bucket.cumulativeCount < previous.cumulativeCount { return "bucket counts are not cumulative" }
            }
            previous = bucket
        }
        if let last = buckets.last, last.cumulativeCount > count { return "a bucket count exceeds the total count" }
        return nil
    }
}
