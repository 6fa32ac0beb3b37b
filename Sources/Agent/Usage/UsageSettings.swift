/// What the operator tells the usage figures (`--usage.*` flags): committed bandwidths for
/// the burst budget and prices for the estimated cost.
public struct UsageSettings: Sendable, Equatable {
    /// At most one for the account and one per domain.
    public var committed: [CommittedBandwidth]
    public var prices: PriceSheet?

    public init(committed: [CommittedBandwidth] = [], prices: PriceSheet? = nil) {
        precondition(Set(committed.map(\.domain)).count == committed.count, "one commitment per domain, validated by the flags")
        self.committed = committed
        self.prices = prices
    }
}
