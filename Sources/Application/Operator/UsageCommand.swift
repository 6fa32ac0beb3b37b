import Agent
import Flags
import FoundationEssentials
import Primitives
import VODAPI

/// `usage`: a month's or a day's billing figures per domain and in total, with the API's own
/// 95th percentile beside ours and, given a price file, the estimated bill.
struct UsageCommand: OperatorCommand {
    static let name = "usage"
    static let summary = "a month's or a day's billing figures per domain and in total: traffic by area, peak, 95th percentile (ours and the API's), estimated cost"
    static let usage = """
        \(ProductVersion.name) usage [--month 2026-11 | --day 2026-12-06] [--domain D…] [--price-file FILE] [--output table|json|csv]

        Per domain (default: the account's online domains) and in total: the billing traffic in
        the Chinese mainland and overseas (DescribeVodDomainUsageData), the peak and the 95th
        percentile of the 5-minute bandwidth from the domain's own buckets (DescribeVodDomainBpsData)
        and the API's 95th percentile (DescribeVodDomainMax95BpsData) with the difference. Months and
        days are in China time (UTC+8), as the bill counts them; the current one is shown so far.
        With --price-file (docs/usage.md), the estimated cost of the month's total: tiers apply to
        the account, not to one domain (a day has no bill of its own: no estimate with --day). Calls: about 18 per domain for a month (4 per domain for a day),
        paced by --api.max-qps; progress goes to standard error.

        Examples:
          \(ProductVersion.name) usage --month 2026-11
          \(ProductVersion.name) usage --day 2026-12-06 --domain video.example.com --output csv
        """
    static let takesArguments = false
    /// `--output` here also takes csv.
    static let formatsOutput = false
    static let month = Flag.optionalString("month", placeholder: "YYYY-MM", help: "The month (China time); default: the current one.")
    static let day = Flag.optionalString("day", placeholder: "YYYY-MM-DD", help: "Instead of a month: one day (China time).")
    static let domain = Flag.list("domain", placeholder: "NAME", help: "Only these domains (repeat or comma-separate); default: the account's online domains.")
    static let priceFile = Flag.optionalString("price-file", placeholder: "FILE", help: "Your prices (JSON, docs/usage.md), for an estimated cost.")
    // Its own variable: VODCDN_OUTPUT is the other commands' table or json.
    static let output = Flag.choice("output", default: "table", placeholder: "table|json|csv", environment: "VODCDN_USAGE_OUTPUT", expected: "table, json or csv",
                                    help: "A table, JSON, or CSV (one line per domain and a total line).") { ["table", "json", "csv"].contains($0) ? $0 : nil }
    static let flags: [any FlagDeclaration] = [month, day, domain, priceFile, output]

    /// The period asked for: its name, bounds and the billing month it belongs to.
    static func period(month: String?, day: String?, now: Int64) throws(UsageError) -> (name: String, start: Int64, end: Int64, month: BillingMonth) {
        switch (month, day) {
        case (_?, _?):
            throw UsageError("give --month or --day, not both")
        case (nil, let day?):
            guard day.count == 10, let midnight = UTCTimestamp.parse(day + "T00:00:00Z") else {
                throw UsageError("--day: \"\(day.prefix(40))\" is not a date such as 2026-12-06")
            }
            let start = midnight - BillingMonth.chinaOffset
            return (day, start, start + 86_400, BillingMonth(containing: start))
        case (let text, nil):
            let chosen: BillingMonth
            if let text {
                guard let parsed = BillingMonth(parsing: text) else { throw UsageError("--month: \"\(text.prefix(40))\" is not a month such as 2026-11") }
                chosen = parsed
            } else {
                chosen = BillingMonth(containing: now)
            }
            return (chosen.description, chosen.start, chosen.end, chosen)
        }
    }

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let now = session.now()
        let (monthText, dayText) = (try session.value(Self.month), try session.value(Self.day))
        let period = try session.usage { () throws(UsageError) in try Self.period(month: monthText, day: dayText, now: now) }
        guard period.start < now else { throw .usage(UsageError("\(period.name) has not begun yet")) }
        // Every flag is read before the first call: a mistake is said at once, not after minutes of calls.
        let output = try session.value(Self.output)
        let cycle: DescribeVodDomainMax95BpsData.Cycle = dayText == nil ? .month : .day
        let pricePath = try session.value(Self.priceFile)
        let prices = try session.usage { () throws(UsageError) in try pricePath.map { path throws(UsageError) in try PriceFile.read(path, flag: Self.priceFile.definition.name) } }
        var domains = try session.value(Self.domain).map { $0.lowercased() }
        var accountDomains: [String] = []
        do {
            accountDomains = try await session.client.allUserDomains(status: .online).map(\.name)
        } catch {
            throw .api(error)
        }
        let wholeAccount = domains.isEmpty || Set(domains) == Set(accountDomains)
        if domains.isEmpty { domains = accountDomains }
        domains = Array(Set(domains)).sorted()
        guard !domains.isEmpty else { throw .failed("the account has no online domain") }

        // Only what has happened: usage by the hour, bandwidth by the 5 minutes.
        let end = min(period.end, now / 300 * 300)
        let hourEnd = min(period.end, now / 3600 * 3600)
        var figures: [UsageReport.DomainFigures] = []
        for (index, domain) in domains.enumerated() {
            if domains.count > 1 { StandardStreams.writeError("usage: \(domain) (\(index + 1)/\(domains.count))\n") }
            var bytes: [Area: Double] = [:]
            if hourEnd > period.start {
                for (area, billing) in [(Area.domestic, DescribeVodDomainUsageData.BillingArea.domestic), (.overseas, .overseas)] {
                    let answer = try await session.call(DescribeVodDomainUsageData(field: .traffic, area: billing, domains: [domain], start: period.start, end: hourEnd, interval: 3600))
                    bytes[area] = answer.slots.reduce(0) { $0 + $1.value }
                }
            }
            var points: [(start: Int64, domestic: Double, overseas: Double)] = []
            var chunk = period.start
            while chunk < end {
                let chunkEnd = min(chunk + 2 * 86_400, end)
                let query = DomainDataQuery(domainNames: [domain], startTime: chunk, endTime: chunkEnd, interval: .fiveMinutes)
                for slot in try await session.call(DescribeVodDomainBpsData(query: query)).slots {
                    let domestic = slot.domesticValue ?? slot.value ?? 0
                    points.append((slot.timestamp, domestic, slot.overseasValue ?? 0))
                }
                chunk = chunkEnd
            }
            let api = try await session.call(DescribeVodDomainMax95BpsData(domain: domain, cycle: cycle, start: period.start, end: period.end))
            figures.append(.init(domain: domain, bytes: bytes, points: points, apiPercentile95: api.bitsPerSecond))
        }
        var accountPercentile95: Double?
        if wholeAccount {
            accountPercentile95 = try await session.call(DescribeVodDomainMax95BpsData(domain: nil, cycle: cycle, start: period.start, end: period.end)).bitsPerSecond
        }
        // A day has no bill of its own: the estimate is for months only.
        let report = UsageReport(period: period.name, start: period.start, end: period.end, now: now, month: period.month,
                                 domains: figures, accountPercentile95: accountPercentile95, prices: dayText == nil ? prices : nil)
        switch output {
        case "json": print(report.json().serialized(indent: 2))
        case "csv": print(report.csv(), terminator: "")
        default: print(report.table(), terminator: "")
        }
        return ExitStatus.success
    }
}
