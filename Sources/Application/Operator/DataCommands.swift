import Flags
import FoundationEssentials
import Primitives
import VODAPI

/// What `traffic` and `bandwidth` share: flags, the query, one summed series or one per domain.
enum DataSeriesCommand {
    static let domain = Flag.list("domain", placeholder: "NAME", help: "A domain (repeat or comma-separate for several; summed unless --per-domain).")
    static let start = Flag.optionalString("start", placeholder: "TIME",
        help: "Start: RFC 3339 (2026-11-25T10:00:00Z, 2026-11-25T18:00:00+08:00), a date (2026-11-25, UTC), or relative such as -6h.")
    static let end = Flag.optionalString("end", placeholder: "TIME", help: "End (default now), same forms.")
    static let since = Flag.optionalString("since", placeholder: "DURATION", help: "Instead of --start/--end: the last DURATION (default 6h).")
    static let interval = Flag.optionalChoice("interval", placeholder: "300|3600|86400", expected: "300, 3600 or 86400",
        help: "Slot width; the API coerces it to what the span allows.") { Int($0).flatMap(DataInterval.init(rawValue:)) }
    static let perDomain = Flag.boolean("per-domain", default: false, help: "One series per domain (one call each) instead of their sum.")

    static let flags: [any FlagDeclaration] = [domain, start, end, since, interval, perDomain]

    /// One series to print: a label and the answer.
    struct Result {
        let label: String
        let series: DomainDataSeries
    }

    static func fetch<Operation: DomainDataOperation>(_ session: OperatorSession, _ make: (DomainDataQuery) -> Operation) async throws(CommandFailure) -> [Result] {
        let domains = try session.value(Self.domain).map { $0.lowercased() }
        guard !domains.isEmpty else { throw .usage(UsageError("give at least one --domain")) }
        let interval = try session.value(Self.interval)
        let (start, end, since) = (try session.value(Self.start), try session.value(Self.end), try session.value(Self.since))
        let range = try session.usage { () throws(UsageError) in
            try TimeArguments.range(start: start, end: end, since: since, now: session.now(), interval: Int64(interval?.rawValue ?? 300))
        }
        let perDomain = try session.value(Self.perDomain)
        var results: [Result] = []
        for group in perDomain ? domains.map({ [$0] }) : [domains] {
            let query = DomainDataQuery(domainNames: group, startTime: range.lowerBound, endTime: range.upperBound, interval: interval)
            results.append(Result(label: group.joined(separator: "+"), series: try await session.call(make(query))))
        }
        return results
    }

    /// The table or JSON of `results`; `unit` formats a value, `summary` sums or peaks.
    static func emit(_ session: OperatorSession, _ results: [Result], valueName: String, unit: (Double) -> String, isPeak: Bool) {
        var table = ""
        var json: [JSONValue] = []
        for result in results {
            let slots = result.series.slots
            let values = slots.map { $0.value ?? 0 }
            let summaryValue = isPeak ? (values.max() ?? 0) : values.reduce(0, +)
            let peakSlot = slots.max { ($0.value ?? 0) < ($1.value ?? 0) }
            if !table.isEmpty { table += "\n" }
            table += "\(result.label)  (interval \(result.series.dataInterval.map { "\($0) s" } ?? "-"))\n"
            table += TextTable.render(["TIME", valueName, "DOMESTIC", "OVERSEAS", "HTTPS"], slots.map { slot in
                [UTCTimestamp.format(slot.timestamp), slot.value.map(unit) ?? "", slot.domesticValue.map(unit) ?? "", slot.overseasValue.map(unit) ?? "",
                 slot.httpsValue.map(unit) ?? ""]
            })
            table += isPeak
                ? "peak: \(unit(summaryValue))" + (peakSlot.map { " at \(UTCTimestamp.format($0.timestamp))" } ?? "") + "\n"
                : "total: \(unit(summaryValue)) over \(slots.count) slots\n"
            json.append([
                "domains": JSONValue(result.label.split(separator: "+").map(String.init)), "interval": JSONValue(result.series.dataInterval),
                "points": .array(slots.map { slot -> JSONValue in
                    ["time": .string(UTCTimestamp.format(slot.timestamp)), "value": JSONValue(slot.value), "domestic": JSONValue(slot.domesticValue),
                     "overseas": JSONValue(slot.overseasValue), "https": JSONValue(slot.httpsValue)]
                }),
                isPeak ? "peak" : "total": .number(summaryValue),
            ])
        }
        session.emit(table: table, json: ["series": .array(json)])
    }
}

/// `traffic`: bytes per interval.
struct TrafficCommand: OperatorCommand {
    static let name = "traffic"
    static let summary = "bytes served per interval, with the total (DescribeVodDomainTrafficData)"
    static let usage = """
        \(ProductVersion.name) traffic --domain D… [--start T --end T | --since 6h] [--interval 300|3600|86400] [--per-domain]

        Examples:
          \(ProductVersion.name) traffic --domain video.example.com --since 24h --interval 3600
          \(ProductVersion.name) traffic --domain a.example.com,b.example.com --start 2026-11-01 --end 2026-11-08 --per-domain
        """
    static let takesArguments = false
    static let flags = DataSeriesCommand.flags

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let results = try await DataSeriesCommand.fetch(session) { DescribeVodDomainTrafficData(query: $0) }
        DataSeriesCommand.emit(session, results, valueName: "BYTES", unit: Quantity.bytes, isPeak: false)
        return ExitStatus.success
    }
}

/// `bandwidth`: peak bit/s per interval.
struct BandwidthCommand: OperatorCommand {
    static let name = "bandwidth"
    static let summary = "peak bandwidth per interval in bit/s, with the peak (DescribeVodDomainBpsData)"
    static let usage = """
        \(ProductVersion.name) bandwidth --domain D… [--start T --end T | --since 6h] [--interval 300|3600|86400] [--per-domain]

        Example:
          \(ProductVersion.name) bandwidth --domain video.example.com --since 2h
        """
    static let takesArguments = false
    static let flags = DataSeriesCommand.flags

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let results = try await DataSeriesCommand.fetch(session) { DescribeVodDomainBpsData(query: $0) }
        DataSeriesCommand.emit(session, results, valueName: "BANDWIDTH", unit: Quantity.bitsPerSecond, isPeak: true)
        return ExitStatus.success
    }
}
