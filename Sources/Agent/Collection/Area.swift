import VODAPI

/// Where traffic was served: the `area` label. The sum over areas is the domain's total.
public enum Area: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    case domestic
    case overseas
    /// The API did not split this value (it sends `""` for the parts).
    case unknown

    /// Splits one slot's values. When the API reports either part, both parts are used (a
    /// missing one is zero); when it reports neither, the whole value is `unknown`.
    static func split(total: Double?, domestic: Double?, overseas: Double?) -> [Area: Double] {
        if domestic != nil || overseas != nil {
            return [.domestic: domestic ?? 0, .overseas: overseas ?? 0]
        }
        guard let total else { return [:] }
        return [.unknown: total]
    }

    /// The all-requests split of a slot.
    static func splitAll(_ slot: DataSlot) -> [Area: Double] {
        split(total: slot.value, domestic: slot.domesticValue, overseas: slot.overseasValue)
    }

    /// The HTTPS split of a slot.
    static func splitHTTPS(_ slot: DataSlot) -> [Area: Double] {
        split(total: slot.httpsValue, domestic: slot.httpsDomesticValue, overseas: slot.httpsOverseasValue)
    }
}
