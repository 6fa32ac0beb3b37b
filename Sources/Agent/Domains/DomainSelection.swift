/// Which domains this replica polls: the configured or discovered ones, filtered by the include
/// and exclude patterns, then by the shard.
public struct DomainSelection: Sendable {
    // Kept as text and compiled per selection: `Regex` is not `Sendable`, and selection runs
    // once per cycle.
    public let include: String?
    public let exclude: String?
    public let shard: ShardSpec

    /// A pattern that is not a regular expression.
    public struct PatternError: Error, Equatable, CustomStringConvertible {
        public let pattern: String
        public var description: String { "\"\(pattern)\" is not a valid regular expression" }
    }

    /// - Parameters:
    ///   - include: only names matching this (whole-name match) are kept.
    ///   - exclude: names matching this are dropped.
    public init(include: String?, exclude: String?, shard: ShardSpec) throws(PatternError) {
        func compile(_ pattern: String?) throws(PatternError) -> Regex<AnyRegexOutput>? {
            guard let pattern else { return nil }
            do {
                return try Regex(pattern)
            } catch {
                throw PatternError(pattern: pattern)
            }
        }
        _ = try compile(include)
        _ = try compile(exclude)
        self.include = include
        self.exclude = exclude
        self.shard = shard
    }

    /// The names the include and exclude patterns keep, lower-cased and sorted: what all the
    /// shards together cover.
    public func matching(_ names: [String]) -> [String] {
        let include = self.include.flatMap { try? Regex($0) }
        let exclude = self.exclude.flatMap { try? Regex($0) }
        return Array(Set(names.map { $0.lowercased() })).filter { name in
            if let include, (try? include.wholeMatch(in: name)) == nil { return false }
            if let exclude, (try? exclude.wholeMatch(in: name)) != nil { return false }
            return true
        }.sorted()
    }
}
