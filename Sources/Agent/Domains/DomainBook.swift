/// The domain list in force: configured, read from the file, or discovered, and the selection
/// of this replica. Nil lists mean "not known yet", which is not the same as "no domain".
struct DomainBook: Sendable {
    let source: AgentConfiguration.DomainSource
    let selection: DomainSelection
    /// `--domain` names, or the file's once it has been read.
    var configured: [String]?
    /// What the last successful discovery found, by name.
    var discovered: [String: DomainInfo]?
    /// Why the latest discovery failed (nil after a success): the cause behind a missing list.
    var discoveryFailure: String?
    /// How many candidates the include and exclude patterns keep (before the shard).
    private(set) var matchedCount: Int?
    private(set) var selected: [String]?
    private(set) var selectedSet: Set<String>?

    init(source: AgentConfiguration.DomainSource, selection: DomainSelection) {
        self.source = source
        self.selection = selection
        if case .list(let names) = source { configured = names }
    }

    /// The names the selection is made from.
    var candidates: [String]? {
        switch source {
        case .discovery: discovered.map { Array($0.keys) }
        case .list, .file: configured
        }
    }

    /// Applies the selection to the current candidates.
    mutating func reselect() {
        let matched = candidates.map { selection.matching($0) }
        matchedCount = matched?.count
        selected = matched.map { $0.filter(selection.shard.owns) }
        selectedSet = selected.map(Set.init)
    }

    /// Whether an empty selection is this replica's fair share rather than a mistake: with
    /// several shards, one may own no domain while the list is current (discovery's latest run
    /// succeeded). One replica with nothing selected is misconfigured.
    var emptyShareIsHealthy: Bool {
        guard selection.shard.count > 1, !selection.shard.isOutsideCount, selected?.isEmpty == true else { return false }
        if case .discovery = source { return discoveryFailure == nil }
        return true
    }

    /// Why there is no list, in words for logs and `/-/ready`.
    var missingReason: String {
        switch source {
        case .discovery: "no domain list: discovery (DescribeVodUserDomains) has not succeeded yet" + (discoveryFailure.map { "; it failed with \($0)" } ?? "")
        case .file(let path): "no domain list: the domains file \(path) has not been read"
        case .list: "no domain list"
        }
    }
}
