/// Values by area for one bucket start, as a series answer gives them.
typealias AreaSlots = [(timestamp: Int64, values: [Area: Double])]

/// What a settled-data collector fetched for one domain: plain values for the engine to apply.
struct DomainObservation: Sendable {
    /// One answer's buckets for the counters of one kind.
    struct Counters: Sendable {
        var kind: CounterKind
        /// The bucket starts the call covered.
        var window: Range<Int64>
        /// Bucket width in seconds (the answer's `DataInterval`).
        var interval: Int64
        var slots: AreaSlots
        /// Seconds since the epoch when the answer arrived: which buckets are settled.
        var receivedAt: Int64
    }

    /// One answer's buckets for the gauges of one kind, already in exported units.
    struct Gauges: Sendable {
        var kind: GaugeKind
        var interval: Int64
        var slots: AreaSlots
        var receivedAt: Int64
    }

    var counters: [Counters] = []
    var gauges: [Gauges] = []
}
