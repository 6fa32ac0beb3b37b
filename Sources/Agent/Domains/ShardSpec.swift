import Primitives

/// `--shard i/n`: this replica owns the domains whose stable hash modulo `count` is `index`.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The whole set (no sharding).
    public static let all = ShardSpec(uncheckedIndex: 0, count: 1)

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `i/n` with `0 ≤ i < 1024` and `1 ≤ n ≤ 1024`; nil otherwise. An index at or above
    /// the count is accepted (a StatefulSet scaled past the N its pods were given must not
    /// crash-loop): that replica owns nothing and is not ready (`isOutsideCount`).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, count <= 1024, index >= 0, index < 1024 else {
            return nil
        }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Whether this shard owns `domain` (case-insensitive). The hash is FNV-1a 64 of the
    /// lower-cased name: the same on every replica, machine and version.
    public func owns(_ domain: String) -> Bool {
        Int(FNV1a.hash(domain.lowercased()) % UInt64(count)) == index
    }

    /// Whether account-wide collectors (quota, tasks, discovery info) run here: shard 0 only,
    /// so n replicas do not multiply those calls.
    public var runsAccountCollectors: Bool { index == 0 }

    /// An index the count does not reach: N was lowered, or pods were added without raising it.
    public var isOutsideCount: Bool { index >= count }

    public var description: String { "\(index)/\(count)" }
}
