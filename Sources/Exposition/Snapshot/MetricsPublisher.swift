import Synchronization

/// Holds the current snapshot and answers scrapes from it.
///
/// The agent publishes a new snapshot after each data update; every scrape reads the current
/// one and adds the families that must be fresh per scrape (process metrics).
public final class MetricsPublisher: Sendable {
    private let current: Mutex<ExpositionSnapshot>
    private let freshFamilies: @Sendable () -> [MetricFamily]

    /// - Parameter freshFamilies: computed on every scrape; defaults to the process metrics.
    public init(freshFamilies: @escaping @Sendable () -> [MetricFamily] = { ProcessMetricsCollector().collect() }) {
        current = Mutex(.empty)
        self.freshFamilies = freshFamilies
    }

    /// Replaces the snapshot served from now on.
    public func publish(_ snapshot: ExpositionSnapshot) {
        current.withLock { $0 = snapshot }
    }

    /// The snapshot served now.
    public var snapshot: ExpositionSnapshot { current.withLock { $0 } }

    /// The body of one scrape; `extra` families are added as fresh ones (those of the listener).
    public func body(format: ExpositionFormat, gzip: Bool, extra: [MetricFamily] = []) -> ExpositionBody {
        snapshot.body(format: format, fresh: freshFamilies() + extra, gzip: gzip)
    }
}
