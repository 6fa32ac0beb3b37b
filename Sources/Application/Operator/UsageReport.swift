import Agent
import Primitives
import VODAPI

/// What `usage` prints for a period, made from what it fetched: per domain and in total, the
/// billing traffic by area, the peak and the 95th-percentile bandwidth (from the domain's own
/// 5-minute buckets, and the API's figure), and with a price sheet the estimated bill. Pure.
struct UsageReport: Sendable {
    /// One domain's figures as fetched.
    struct DomainFigures: Sendable {
        var domain: String
        /// Billing traffic (DescribeVodDomainUsageData) per area, bytes.
        var bytes: [Area: Double]
        /// The 5-minute bandwidth points (DescribeVodDomainBpsData), bit/s per area.
        var points: [(start: Int64, domestic: Double, overseas: Double)]
        /// DescribeVodDomainMax95BpsData.
        var apiPercentile95: Double?
    }

    /// A row of the report.
    struct Row: Sendable, Equatable {
        var label: String
        var domesticBytes: Double
        var overseasBytes: Double
        var peak: Double?
        var percentile95: Double?
        var apiPercentile95: Double?

        var difference: Double? {
            guard let percentile95, let apiPercentile95 else { return nil }
            return percentile95 - apiPercentile95
        }
    }

    let period: String
    let start: Int64
    let end: Int64
    /// Whether the period had ended (every figure final) when fetched.
    let complete: Bool
    let rows: [Row]
    let total: Row
    let estimate: (sheet: PriceSheet, cost: CostEstimate)?

    /// - Parameters:
    ///   - month: the billing month the period lies in (the period itself, or its day's).
    ///   - accountPercentile95: the API's figure for the whole account merged, when the domains
    ///     are all the account's (the API cannot merge a subset).
    ///   - prices: for an estimate of the month's bill.
    init(period: String, start: Int64, end: Int64, now: Int64, month: BillingMonth, domains: [DomainFigures],
         accountPercentile95: Double?, prices: PriceSheet?) {
        self.period = period
        self.start = start
        self.end = end
        complete = now >= end
        // The agent's own reckoning, fed 5 minutes at a time: each summed point is complete
        // with the domains that have one.
        var ledger = UsageLedger(month: month)
        var byStart: [Int64: [(domain: String, bitsPerSecond: [Area: Double])]] = [:]
        for figures in domains {
            for point in figures.points {
                byStart[point.start, default: []].append((figures.domain, [.domestic: point.domestic, .overseas: point.overseas]))
            }
        }
        for pointStart in byStart.keys.sorted() {
            let present = byStart[pointStart]!
            for point in present {
                ledger.record(.init(start: pointStart, bitsPerSecond: point.bitsPerSecond, bytes: [:]), domain: point.domain, expected: Set(present.map(\.domain)))
            }
        }
        rows = domains.map { figures in
            let points = ledger.domains[figures.domain]?.points
            return Row(label: figures.domain, domesticBytes: figures.bytes[.domestic] ?? 0, overseasBytes: figures.bytes[.overseas] ?? 0,
                       peak: points?.peak?.bitsPerSecond, percentile95: points?.percentile95SoFar?.bitsPerSecond, apiPercentile95: figures.apiPercentile95)
        }
        total = Row(label: "total", domesticBytes: rows.reduce(0) { $0 + $1.domesticBytes }, overseasBytes: rows.reduce(0) { $0 + $1.overseasBytes },
                    peak: ledger.total.points.peak?.bitsPerSecond, percentile95: ledger.total.points.percentile95SoFar?.bitsPerSecond,
                    apiPercentile95: accountPercentile95)
        if let prices {
            // Traffic as the bill counts it (DescribeVodDomainUsageData), not the buckets'.
            var usage = ledger.monthUsage
            usage.bytes = [.domestic: total.domesticBytes, .overseas: total.overseasBytes]
            estimate = (prices, prices.estimate(usage, month: month, now: min(now, end)))
        } else {
            estimate = nil
        }
    }

    // MARK: Output

    static let header = ["DOMAIN", "DOMESTIC", "OVERSEAS", "PEAK", "P95", "P95 (API)", "DIFFERENCE"]

    func table() -> String {
        func bits(_ value: Double?) -> String { value.map(Quantity.bitsPerSecond) ?? "-" }
        let lines = (rows + [total]).map { row in
            [row.label, Quantity.bytes(row.domesticBytes), Quantity.bytes(row.overseasBytes), bits(row.peak), bits(row.percentile95),
             bits(row.apiPercentile95), row.difference.map { ($0 > 0 ? "+" : "") + Quantity.bitsPerSecond($0) } ?? "-"]
        }
        var text = "\(period) (\(UTCTimestamp.format(start)) to \(UTCTimestamp.format(end))\(complete ? "" : ", so far"))\n"
        text += TextTable.render(Self.header, lines)
        text += "P95: the 95th percentile of the 5-minute bandwidth (the top 5 % of the period's points left out); ours from the domains' own buckets, the API's from DescribeVodDomainMax95BpsData.\n"
        if let estimate {
            text += "estimated cost (\(estimate.sheet.method.rawValue), \(estimate.sheet.currency)): \(Quantity.formatted(estimate.cost.monthToDate, digits: 2))"
            text += complete ? "\n" : " so far, \(Quantity.formatted(estimate.cost.projected, digits: 2)) projected to the month's end\n"
        }
        return text
    }

    func json() -> JSONValue {
        func row(_ row: Row) -> JSONValue {
            ["domain": .string(row.label), "traffic_bytes": ["domestic": .number(row.domesticBytes), "overseas": .number(row.overseasBytes)],
             "peak_bps": JSONValue(row.peak), "p95_bps": JSONValue(row.percentile95), "api_p95_bps": JSONValue(row.apiPercentile95),
             "difference_bps": JSONValue(row.difference)]
        }
        var document: [String: JSONValue] = [
            "period": .string(period), "start": .string(UTCTimestamp.format(start)), "end": .string(UTCTimestamp.format(end)),
            "complete": .bool(complete), "domains": .array(rows.map(row)), "total": row(total),
        ]
        if let estimate {
            document["estimate"] = ["method": .string(estimate.sheet.method.rawValue), "currency": .string(estimate.sheet.currency),
                                    "to_date": .number(estimate.cost.monthToDate), "projected": .number(estimate.cost.projected)]
        }
        return .object(document)
    }

    /// One line per domain and a `total` line; numbers in base units (bytes, bit/s), written as
    /// the JSON output writes them.
    func csv() -> String {
        func number(_ value: Double?) -> String { value.map(JSONValue.numberText) ?? "" }
        var text = "domain,domestic_bytes,overseas_bytes,peak_bps,p95_bps,api_p95_bps,difference_bps\n"
        for row in rows + [total] {
            text += [CSV.field(row.label), number(row.domesticBytes), number(row.overseasBytes), number(row.peak), number(row.percentile95),
                     number(row.apiPercentile95), number(row.difference)].joined(separator: ",") + "\n"
        }
        return text
    }
}

/// RFC 4180 fields: quoted when they hold a comma, a quote or a line break.
enum CSV {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\""
    }
}
