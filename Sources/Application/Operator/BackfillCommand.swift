import Agent
import Flags
import FoundationEssentials
import HTTPClient
import Primitives
import RemoteWrite
import VODAPI
#if canImport(Glibc)
import Glibc
#endif

/// `backfill`: the settled history of a period, every 5-minute bucket at its own time, as
/// OpenMetrics for `promtool tsdb create-blocks-from openmetrics`: a new installation gets its
/// past in one command. Paced by the same rate limit as everything else, and resumable: each
/// domain's data is kept beside the output until the whole file is written.
struct BackfillCommand: OperatorCommand {
    static let name = "backfill"
    static let summary = "the settled 5-minute history of a period as OpenMetrics with timestamps, for promtool tsdb create-blocks-from openmetrics"
    static let usage = """
        \(ProductVersion.name) backfill --output FILE [--start T --end T | --since 7d] [--domain D…]
        \(ProductVersion.name) backfill --remote-write.url URL [auth flags] [--start T --end T | --since 7d] [--domain D…]

        Fetches traffic and peak bandwidth per 5-minute bucket (DescribeVodDomainTrafficData and
        …BpsData, one day per call) for every domain (default: the account's online domains) and
        writes them with their true timestamps, the bucket's start, as the series
        aliyun_vod_bucket_traffic_bytes and aliyun_vod_bucket_peak_bandwidth_bytes_per_second
        {domain, area}. Only settled buckets (15 minutes after their end) are written. If a call
        fails, run the same command again: domains already fetched (FILE.parts/) are not asked again.

        With --remote-write.url the samples go to a Prometheus remote-write receiver instead
        (Prometheus with --web.enable-remote-write-receiver and an out-of-order window that covers
        the period, Mimir, Thanos Receive, VictoriaMetrics), domain by domain; a resend of the
        same buckets is a duplicate the receiver accepts. The domains already sent are noted in
        .vodcdn-backfill.parts/ in the current folder until the run completes.

        Example (a week of history into Prometheus):
          \(ProductVersion.name) backfill --since 7d --output history.om
          promtool tsdb create-blocks-from openmetrics history.om /var/lib/prometheus/metrics2
        """
    static let takesArguments = false
    /// `--output` is the file here; the summary is a line of text.
    static let formatsOutput = false
    // Its own variable: VODCDN_OUTPUT chooses table or json in the other commands.
    static let output = Flag.optionalString("output", placeholder: "FILE", environment: "VODCDN_BACKFILL_OUTPUT",
                                            help: "Where to write the OpenMetrics text (or give --remote-write.url).")
    static let domain = Flag.list("domain", placeholder: "NAME", help: "Only these domains (repeat or comma-separate); default: the account's online domains.")
    static let start = Flag.optionalString("start", placeholder: "TIME", help: "Start: RFC 3339, a date (UTC) or relative such as -7d.")
    static let end = Flag.optionalString("end", placeholder: "TIME", help: "End (default now; buckets not yet settled are left out).")
    static let since = Flag.optionalString("since", placeholder: "DURATION", help: "Instead of --start/--end: the last DURATION (default 7d).")
    static let flags: [any FlagDeclaration] = [output, domain, start, end, since] + RemoteWriteOptions.receiverFlags

    /// A bucket counts once the API has settled it.
    static let settleDelay: Int64 = 900
    /// One call per domain and family covers at most this (5-minute data needs a span under 3 days).
    static let callSpan: Int64 = 86_400

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let sender = try Self.sender(session)
        let output = try session.value(Self.output)
        guard (output == nil) != (sender == nil) else { throw .usage(UsageError("give --output FILE or --remote-write.url URL (one of them)")) }
        let path = output ?? ".vodcdn-backfill"
        guard !path.isEmpty else { throw .usage(UsageError("give --output FILE")) }
        let (start, end, since) = (try session.value(Self.start), try session.value(Self.end), try session.value(Self.since))
        let asked = try session.usage { () throws(UsageError) in
            try TimeArguments.range(start: start, end: end, since: since, now: session.now(), interval: 300, defaultSince: 7 * 86_400)
        }
        let settled = (session.now() - Self.settleDelay) / 300 * 300
        let range = asked.lowerBound..<min(asked.upperBound, settled)
        guard range.lowerBound < range.upperBound else { throw .usage(UsageError("nothing in that period has settled yet (buckets settle 15 minutes after their end)")) }
        var domains = try session.value(Self.domain).map { $0.lowercased() }
        if domains.isEmpty {
            do {
                domains = try await session.client.allUserDomains(status: .online).map(\.name)
            } catch {
                throw .api(error)
            }
        }
        domains = Array(Set(domains)).sorted()
        guard !domains.isEmpty else { throw .failed("the account has no online domain") }

        let parts = path + ".parts"
        do {
            try Directory.create(parts)
        } catch {
            throw .failed(error.description)
        }
        var fetched = 0
        var sent = 0
        for (index, domain) in domains.enumerated() {
            let files = sender == nil
                ? TimestampedFamily.settled.map { FileSystem.join(parts, "\(domain).\($0.rawValue)") } : [FileSystem.join(parts, "\(domain).sent")]
            if files.allSatisfy(FileSystem.exists) { continue }  // done by an earlier run
            do {
                let traffic = try await Self.slots(session, domain: domain, range: range) { DescribeVodDomainTrafficData(query: $0) }
                let bandwidth = try await Self.slots(session, domain: domain, range: range) { DescribeVodDomainBpsData(query: $0) }
                if let sender {
                    let series = BucketHistory.series(domain: domain, family: .traffic, slots: traffic)
                        + BucketHistory.series(domain: domain, family: .peakBandwidth, slots: bandwidth)
                    do {
                        sent += try await sender.send(series)
                    } catch {
                        throw CommandFailure.failed("remote write to \(sender.url): \(error.description)")
                    }
                    try TextFile.write("", to: files[0])
                } else {
                    for (family, slots) in zip(TimestampedFamily.settled, [traffic, bandwidth]) {
                        let file = FileSystem.join(parts, "\(domain).\(family.rawValue)")
                        try DurableFile.write(Array(BucketHistory.lines(domain: domain, family: family, slots: slots).utf8), to: file)
                    }
                }
            } catch let failure as CommandFailure {
                throw .failed("\(domain): \(failure.message)\n\(index) of \(domains.count) domains fetched; run the same command again to go on from \(domain)")
            } catch {
                throw .failed("\(domain): \(error)")
            }
            fetched += 1
            if !session.isJSON {
                ExporterMain.writeError("\(ProductVersion.name) backfill: \(domain) (\(index + 1)/\(domains.count))\n")
            }
        }
        if let sender {
            for domain in domains { try? FileSystem.remove(FileSystem.join(parts, "\(domain).sent")) }
            rmdir(parts)
            session.emit(table: "sent \(sent) samples of \(domains.count) domain\(domains.count == 1 ? "" : "s") from \(UTCTimestamp.format(range.lowerBound)) to \(UTCTimestamp.format(range.upperBound)) to \(sender.url)\n",
                         json: ["remoteWrite": .string(sender.url), "samples": .number(Double(sent)), "domains": .array(domains.map { .string($0) })])
            return ExitStatus.success
        }
        let samples: Int
        do {
            samples = try Self.assemble(path, parts: parts, domains: domains)
        } catch {
            throw .failed(error.description)
        }
        session.emit(
            table: """
                wrote \(samples) samples of \(domains.count) domain\(domains.count == 1 ? "" : "s") from \(UTCTimestamp.format(range.lowerBound)) to \(UTCTimestamp.format(range.upperBound)) to \(path) (\(fetched) fetched now)
                load it: promtool tsdb create-blocks-from openmetrics \(path) PROMETHEUS_DATA_DIR

                """,
            json: ["output": .string(path), "samples": .number(Double(samples)), "domains": .array(domains.map { .string($0) }),
                   "start": .string(UTCTimestamp.format(range.lowerBound)), "end": .string(UTCTimestamp.format(range.upperBound))])
        return ExitStatus.success
    }

    /// The remote-write sender the flags ask for, or nil without `--remote-write.url`.
    private static func sender(_ session: OperatorSession) throws(CommandFailure) -> RemoteWriteSender? {
        let options = try session.usage { () throws(UsageError) in try RemoteWriteOptions(session.flags) }
        guard let url = options.url else { return nil }
        return options.sender(url: url, transport: StandardTransport.make(tls: options.tls), maxAttempts: 8,
                              pause: { seconds in try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) })
    }

    /// Every 5-minute slot of `range` for one domain, a day per call.
    private static func slots<Operation: DomainDataOperation>(_ session: OperatorSession, domain: String, range: Range<Int64>,
                                                              _ make: (DomainDataQuery) -> Operation) async throws(CommandFailure) -> [DataSlot] {
        var slots: [DataSlot] = []
        var from = range.lowerBound
        while from < range.upperBound {
            let to = min(from + callSpan, range.upperBound)
            let answer = try await session.call(make(DomainDataQuery(domainNames: [domain], startTime: from, endTime: to, interval: .fiveMinutes)))
            if let interval = answer.dataInterval, interval != 300 {
                throw .failed("the API answered with \(interval)-second data instead of 5-minute data")
            }
            slots += answer.slots.filter { range.contains($0.timestamp) }
            from = to
        }
        return slots
    }

    /// Writes the output from the parts (each family once, its series together), then removes
    /// the parts. Returns the number of samples.
    private static func assemble(_ path: String, parts: String, domains: [String]) throws(TextFile.FileError) -> Int {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw TextFile.FileError(.write, path: temporary, reason: String(cString: strerror(errno))) }
        var samples = 0
        func append(_ text: String) throws(TextFile.FileError) {
            if let code = DescriptorIO.writeAll(Array(text.utf8), to: descriptor) {
                throw TextFile.FileError(.write, path: temporary, reason: String(cString: strerror(code)))
            }
        }
        do {
            for family in TimestampedFamily.settled {
                try append(family.header)
                for domain in domains {
                    let text = try TextFile.read(FileSystem.join(parts, "\(domain).\(family.rawValue)"), maxBytes: 1 << 30)
                    samples += text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                    try append(text)
                }
            }
            try append("# EOF\n")
        } catch {
            close(descriptor)
            throw error
        }
        close(descriptor)
        try FileSystem.move(temporary, to: path)
        for domain in domains {
            for family in TimestampedFamily.settled { try? FileSystem.remove(FileSystem.join(parts, "\(domain).\(family.rawValue)")) }
        }
        rmdir(parts)
        return samples
    }
}
