import Primitives
import VODAPI

/// What the operator pays, from a price file they write (`--usage.price-file`, docs/usage.md):
/// the billing method, the currency and tiered prices per billing area. Every cost figure made
/// from it is an estimate.
///
/// ```json
/// {"currency": "CNY", "method": "traffic",
///  "domestic": [{"up_to": 10240, "price": 0.24}, {"up_to": 51200, "price": 0.23}, {"price": 0.21}],
///  "overseas": [{"price": 0.5}]}
/// ```
public struct PriceSheet: Sendable, Equatable {
    /// How the CDN bills, and the unit of `up_to` and `price` in the tiers.
    public enum Method: String, Sendable, CaseIterable {
        /// Bytes served in the month, priced per GB by cumulative monthly tiers (a GB in the second
        /// tier costs the second tier's price).
        case traffic
        /// Each day's peak 5-minute bandwidth in Mbit/s, priced per Mbit/s per day; the tier the
        /// peak falls in prices the whole peak.
        case peakBandwidth = "peak-bandwidth"
        /// The month's 95th-percentile 5-minute bandwidth in Mbit/s, priced per Mbit/s per month;
        /// the tier it falls in prices all of it.
        case percentile95 = "95th-percentile"
    }

    /// A price up to an amount (GB for traffic, Mbit/s for the bandwidth methods); the last tier
    /// has no bound.
    public struct Tier: Sendable, Equatable {
        public var upTo: Double?
        public var price: Double
    }

    public var currency: String
    public var method: Method
    /// Tiers per billing area (`domestic`: the Chinese mainland, `overseas`: elsewhere).
    public var tiers: [Area: [Tier]]
    /// Bytes in a GB (10^9 unless the file says otherwise).
    public var bytesPerGB: Double
    /// For the 95th percentile: the fee is prorated by the days that had traffic.
    public var prorateByValidDays: Bool

    /// A price file that cannot be used, with the place in it.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let problem: String
        public var description: String { "\(path): \(problem)" }
    }

    static let knownKeys: Set<String> = ["currency", "method", "domestic", "overseas", "bytes_per_gb", "prorate_by_valid_days"]

    /// Reads the JSON text of a price file.
    public static func parse(_ bytes: [UInt8]) throws(Problem) -> PriceSheet {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw Problem(path: "$", problem: "not JSON")
        }
        guard case .object(let members) = root else { throw Problem(path: "$", problem: "must be an object") }
        if let unknown = members.keys.sorted().first(where: { !knownKeys.contains($0) }) {
            throw Problem(path: "$.\(unknown)", problem: "unknown key (expected \(knownKeys.sorted().joined(separator: ", ")))")
        }
        let body = JSONCursor(root)
        do {
            let currency = try body.string("currency").trimmingWhitespace()
            guard !currency.isEmpty else { throw Problem(path: "$.currency", problem: "empty") }
            let methodName = try body.string("method")
            guard let method = Method(rawValue: methodName) else {
                throw Problem(path: "$.method", problem: "\"\(methodName)\" is not one of \(Method.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var tiers: [Area: [Tier]] = [:]
            for area in [Area.domestic, .overseas] where members[area.rawValue] != nil {
                tiers[area] = try Self.tiers(body.array(area.rawValue), path: "$.\(area.rawValue)")
            }
            guard !tiers.isEmpty else { throw Problem(path: "$", problem: "no prices: give \"domestic\", \"overseas\" or both") }
            let bytesPerGB = try body.number("bytes_per_gb") ?? 1e9
            guard bytesPerGB > 0 else { throw Problem(path: "$.bytes_per_gb", problem: "must be positive") }
            let prorate = try body.bool("prorate_by_valid_days") ?? false
            guard !prorate || method == .percentile95 else {
                throw Problem(path: "$.prorate_by_valid_days", problem: "only for the 95th-percentile method")
            }
            return PriceSheet(currency: currency, method: method, tiers: tiers, bytesPerGB: bytesPerGB, prorateByValidDays: prorate)
        } catch let error as ResponseDecodingError {
            throw Problem(path: error.path, problem: error.problem)
        } catch let error as Problem {
            throw error
        } catch {
            throw Problem(path: "$", problem: "\(error)")
        }
    }

    private static func tiers(_ items: [JSONCursor], path: String) throws -> [Tier] {
        guard !items.isEmpty else { throw Problem(path: path, problem: "no tiers") }
        var result: [Tier] = []
        for (index, item) in items.enumerated() {
            let place = "\(path)[\(index)]"
            guard case .object(let members) = item.value else { throw Problem(path: place, problem: "must be an object") }
            if let unknown = members.keys.sorted().first(where: { $0 != "up_to" && $0 != "price" }) {
                throw Problem(path: "\(place).\(unknown)", problem: "unknown key (expected up_to, price)")
            }
            let price = try item.requiredNumber("price")
            guard price >= 0 else { throw Problem(path: "\(place).price", problem: "must not be negative") }
            let upTo = try item.number("up_to")
            let last = index == items.count - 1
            if last {
                guard upTo == nil else { throw Problem(path: "\(place).up_to", problem: "the last tier has no bound") }
            } else {
                guard let upTo else { throw Problem(path: "\(place).up_to", problem: "missing: only the last tier has no bound") }
                guard upTo > (result.last?.upTo ?? 0) else { throw Problem(path: "\(place).up_to", problem: "must be above the tier before") }
            }
            result.append(Tier(upTo: upTo, price: price))
        }
        return result
    }

    /// The price of `amount` in an area by cumulative tiers (traffic): each part at its tier's
    /// price. nil when the sheet has no prices for the area.
    public func cumulativePrice(of amount: Double, in area: Area) -> Double? {
        guard let tiers = tiers[area] else { return nil }
        var total = 0.0
        var below = 0.0
        for tier in tiers {
            let top = min(amount, tier.upTo ?? .infinity)
            if top > below { total += (top - below) * tier.price }
            below = tier.upTo ?? .infinity
            if amount <= below { break }
        }
        return total
    }

    /// The price of `amount` in an area by whole tiers (bandwidth): all of it at the price of
    /// the tier it falls in.
    public func wholeTierPrice(of amount: Double, in area: Area) -> Double? {
        guard let tiers = tiers[area], let tier = tiers.first(where: { amount <= ($0.upTo ?? .infinity) }) else { return nil }
        return amount * tier.price
    }
}
