/// One label pair of a series.
public struct Label: Hashable, Sendable {
    /// The label name, `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`.
    public let name: String
    /// Any UTF-8 text; escaped when rendered.
    public let value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The label set of one series, kept sorted by label name so that equal sets compare equal and
/// render identically.
public struct Labels: Hashable, Sendable, ExpressibleByDictionaryLiteral {
    /// The pairs, sorted by name (byte order).
    public let pairs: [Label]

    /// A label set from pairs in any order. Duplicate names are reported when the family is
    /// built (see `MetricFamily`), where the error can name the family.
    public init(_ pairs: [Label]) {
        self.pairs = pairs.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { Label($0.0, $0.1) })
    }

    /// The empty label set.
    public static let none = Labels([])

    /// Whether this set orders before `other`: pair by pair, name then value, in byte order;
    /// a prefix orders first. This is the series order of every rendered family.
    public func precedes(_ other: Labels) -> Bool {
        for (left, right) in zip(pairs, other.pairs) {
            if left.name != right.name { return left.name.utf8.lexicographicallyPrecedes(right.name.utf8) }
            if left.value != right.value { return left.value.utf8.lexicographicallyPrecedes(right.value.utf8) }
        }
        return pairs.count < other.pairs.count
    }
}
