import Primitives

/// A parsed `Accept` or `Accept-Encoding` header: comma-separated entries, each a token with
/// `;`-parameters, one of which may be the weight `q`.
public struct WeightedHeaderList: Equatable, Sendable {
    /// One entry: `value` (lower-cased, e.g. `text/plain` or `gzip`), its other parameters
    /// (keys lower-cased, quotes removed) and its weight.
    public struct Entry: Equatable, Sendable {
        public let value: String
        public let parameters: [String: String]
        public let quality: Double
    }

    /// Entries with a weight above zero, best first: higher weight, then more specific
    /// (fewer `*`), then header order, as Go's goautoneg sorts them.
    public let preferred: [Entry]
    /// Every entry as written, including the ones weighted zero (those exclude a value).
    public let all: [Entry]

    /// Parses a header value. Malformed entries (bad weight, empty token) are skipped; a header
    /// that is absent or empty gives an empty list.
    public init(_ header: String?) {
        var entries: [Entry] = []
        for rawEntry in (header ?? "").split(separator: ",") {
            var parts = rawEntry.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let value = parts.first?.lowercased(), !value.isEmpty, !value.contains(" ") else { continue }
            parts.removeFirst()
            var parameters: [String: String] = [:]
            var quality = 1.0
            var isValid = true
            for part in parts {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
                guard pair.count == 2 else { continue }
                let key = pair[0].lowercased()
                var parameterValue = pair[1]
                if parameterValue.count >= 2 && parameterValue.hasPrefix("\"") && parameterValue.hasSuffix("\"") {
                    parameterValue = String(parameterValue.dropFirst().dropLast())
                }
                if key == "q" {
                    guard let weight = Double(parameterValue), weight >= 0, weight <= 1 else {
                        isValid = false
                        break
                    }
                    quality = weight
                } else {
                    parameters[key] = parameterValue
                }
            }
            if isValid { entries.append(Entry(value: value, parameters: parameters, quality: quality)) }
        }
        all = entries
        preferred = entries.enumerated()
            .filter { $0.element.quality > 0 }
            .sorted { left, right in
                if left.element.quality != right.element.quality { return left.element.quality > right.element.quality }
                let leftWildcards = left.element.value.filter { $0 == "*" }.count
                let rightWildcards = right.element.value.filter { $0 == "*" }.count
                if leftWildcards != rightWildcards { return leftWildcards < rightWildcards }
                return left.offset < right.offset
            }
            .map(\.element)
    }
}
