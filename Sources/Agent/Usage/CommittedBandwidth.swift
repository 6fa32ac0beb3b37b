import Primitives

/// A committed 95th-percentile bandwidth (`--usage.committed-bandwidth`): for the account, or
/// for one domain (`video.example.com=200Mbit/s`). The burst budget counts the month's points
/// above it.
public struct CommittedBandwidth: Sendable, Equatable {
    /// nil: the domains of this agent together (the account when it polls all of them).
    public var domain: String?
    public var bitsPerSecond: Double

    public init(domain: String?, bitsPerSecond: Double) {
        self.domain = domain
        self.bitsPerSecond = bitsPerSecond
    }

    /// Decimal units, as bills and contracts count bandwidth.
    static let units: [(suffix: String, factor: Double)] = [
        ("Tbit/s", 1e12), ("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3), ("bit/s", 1),
    ]

    /// `800Mbit/s` or `video.example.com=200Mbit/s` (units bit/s, kbit/s, Mbit/s, Gbit/s,
    /// Tbit/s); nil for anything else, a zero or a negative figure.
    public init?(parsing text: String) {
        var rest = Substring(text)
        var domain: String?
        if let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].lowercased()
            guard !name.isEmpty else { return nil }
            domain = name
            rest = rest[rest.index(after: equals)...]
        }
        guard let unit = Self.units.first(where: { rest.hasSuffix($0.suffix) }),
              let number = Double(rest.dropLast(unit.suffix.count).trimmingWhitespace()),
              number.isFinite, number > 0 else { return nil }
        self.init(domain: domain, bitsPerSecond: number * unit.factor)
    }
}
