import VODAPI

/// Where traffic was served: the `area` label. The sum over areas is the domain's total.
public enum Area: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    case domestic
    case overseas
    /// The API did not split this value (it sends `""` for the parts), or never splits it.
    case unknown

    /// Splits one value. When the API reports either part, both parts are used (a missing one
    /// is zero); when it reports neither, the whole value is `unknown`.
    public static func split(total: Double?, domestic: Double?, overseas: Double?) -> [Area: Double] {
        if domestic != nil || overseas != nil {
            return [.domestic: domestic ?? 0, .overseas: overseas ?? 0]
        }
        guard let total else { return [:] }
        return [.unknown: total]
    }

    /// The all-requests split of each slot.
    static func splitAll(_ slots: [DataSlot]) -> [(timestamp: Int64, values: [Area: Double])] {
        slots.map { ($0.timestamp, split(total: $0.value, domestic: $0.domesticValue, overseas: $0.overseasValue)) }
    }

    /// Each slot's whole value, for series that have no area (hit ratios).
    static func whole(_ slots: [DataSlot], https: Bool) -> [(timestamp: Int64, values: [Area: Double])] {
        slots.map { slot in ((slot.timestamp), (https ? slot.httpsValue : slot.value).map { [.unknown: $0] } ?? [:]) }
    }

    /// The HTTPS split of each slot.
    static func splitHTTPS(_ slots: [DataSlot]) -> [(timestamp: Int64, values: [Area: Double])] {
        slots.map { ($0.timestamp, split(total: $0.httpsValue, domestic: $0.httpsDomesticValue, overseas: $0.httpsOverseasValue)) }
    }
}
