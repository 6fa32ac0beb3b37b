/// The domain counts the metrics show: known (configured or discovered), kept by the patterns
/// (what all shards together cover), selected for this replica, and this replica's shard.
public struct DomainSummary: Sendable {
    /// The discovered domains among the selected ones; nil without discovery.
    public var discovered: [DomainInfo]?
    public var candidateCount: Int
    public var matchedCount: Int
    public var selectedCount: Int
    public var shard: ShardSpec
}

extension DomainBook {
    var summary: DomainSummary {
        let selectedDiscovered = discovered.flatMap { discovered in selected.map { $0.compactMap { discovered[$0] } } }
        return DomainSummary(discovered: selectedDiscovered, candidateCount: candidates?.count ?? 0, matchedCount: matchedCount ?? 0,
                             selectedCount: selected?.count ?? 0, shard: selection.shard)
    }
}
