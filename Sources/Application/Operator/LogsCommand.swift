import Flags
import FoundationEssentials
import HTTPClient
import Primitives
import VODAPI

/// `logs`: a domain's access-log files; `--download DIR` fetches them.
struct LogsCommand: OperatorCommand {
    static let name = "logs"
    static let summary = "list a domain's access-log files, all pages; --download fetches them (DescribeVodDomainLog)"
    static let usage = """
        \(ProductVersion.name) logs --domain D [--start T --end T | --since 24h] [--download DIR]

        Lists the hourly log files. With --download, fetches them into DIR: files already complete
        are skipped, partial ones (NAME.part) resume where they stopped, and every size is checked
        against the listing. A download may take as long as it needs; one that stalls for
        --api.timeout fails (run the command again to resume it).

        Examples:
          \(ProductVersion.name) logs --domain video.example.com --since 6h
          \(ProductVersion.name) logs --domain video.example.com --start 2026-11-24 --end 2026-11-25 --download ./logs
        """
    static let takesArguments = false
    static let domain = Flag.optionalString("domain", placeholder: "NAME", help: "The domain (one).")
    static let start = Flag.optionalString("start", placeholder: "TIME",
        help: "Start: RFC 3339 (2026-11-25T10:00:00Z, 2026-11-25T18:00:00+08:00), a date (2026-11-25, UTC), or relative such as -24h.")
    static let end = Flag.optionalString("end", placeholder: "TIME", help: "End (default now).")
    static let since = Flag.optionalString("since", placeholder: "DURATION", help: "Instead of --start/--end: the last DURATION (default 24h).")
    static let download = Flag.optionalString("download", placeholder: "DIR", help: "Fetch the files into this folder (created if needed).")
    static let flags: [any FlagDeclaration] = [domain, start, end, since, download]

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        guard let domain = try session.value(Self.domain), !domain.isEmpty else { throw .usage(UsageError("give --domain")) }
        let (start, end, since) = (try session.value(Self.start), try session.value(Self.end), try session.value(Self.since))
        let range = try session.usage { () throws(UsageError) in
            try TimeArguments.range(start: start, end: end, since: since, now: session.now(), interval: 3600, defaultSince: 86_400)
        }
        var files: [DescribeVodDomainLog.LogFile] = []
        var page = 1
        while true {
            let answer = try await session.call(DescribeVodDomainLog(domainName: domain, pageSize: 1000, pageNumber: page,
                                                                      startTime: range.lowerBound, endTime: range.upperBound))
            files += answer.files
            if answer.files.isEmpty || files.count >= answer.total { break }
            page += 1
        }
        if let folder = try session.value(Self.download) {
            return try await download(files, into: folder, session: session)
        }
        session.emit(
            table: TextTable.render(["NAME", "SIZE", "START", "END"], files.map { file in
                [file.name, Quantity.bytes(Double(file.size)), file.startTime.map(UTCTimestamp.format) ?? "", file.endTime.map(UTCTimestamp.format) ?? ""]
            }) + "\(files.count) file\(files.count == 1 ? "" : "s"), \(Quantity.bytes(Double(files.reduce(0) { $0 + $1.size })))\n",
            json: ["files": .array(files.map { file -> JSONValue in
                ["name": .string(file.name), "size": JSONValue(file.size), "url": .string(file.url), "start": JSONValue(file.startTime.map(UTCTimestamp.format)),
                 "end": JSONValue(file.endTime.map(UTCTimestamp.format))]
            })])
        return ExitStatus.success
    }

    private static func download(_ files: [DescribeVodDomainLog.LogFile], into folder: String, session: OperatorSession) async throws(CommandFailure) -> Int32 {
        do {
            try Directory.create(folder)
        } catch {
            // The folder is named on the command line: the user's to fix.
            throw .usage(UsageError("--download: \(error.description)"))
        }
        let transport: CurlTransport
        do {
            transport = try CurlTransport(maxResponseBytes: 1024 * 1024)
        } catch {
            throw .failed("cannot download: \(error.detail)")
        }
        let downloader = LogDownloader(transport: transport, stallTimeout: session.api.client.requestTimeout)
        let progress = ProgressLine()
        var results: [(name: String, outcome: String)] = []
        var failures = 0
        for (index, file) in files.enumerated() {
            let target = FileSystem.join(folder, file.name)
            let part = target + ".part"
            let existing = FileSystem.size(of: target).map(Int.init)
            if existing == file.size {
                results.append((file.name, "skipped (complete)"))
                continue
            }
            if existing != nil { try? FileSystem.remove(target) }  // a wrong size: fetch again
            guard HTTPRequest.isAbsoluteHTTPURL(file.url), !file.name.contains("/"), !file.name.hasPrefix(".") else {
                results.append((file.name, "failed: not a usable link or name"))
                failures += 1
                continue
            }
            let resumedFrom = FileSystem.size(of: part) ?? 0
            do {
                let label = "[\(index + 1)/\(files.count)] \(file.name)"
                let length = try await downloader.download(file.url, to: part) { written in
                    progress.update("\(label) \(Quantity.bytes(Double(written)))/\(Quantity.bytes(Double(file.size)))")
                }
                guard length == Int64(file.size) else {
                    if length > Int64(file.size) { try? FileSystem.remove(part) }
                    throw LogDownloader.Failure(description: "size \(length) bytes, listed as \(file.size)")
                }
                try FileSystem.move(part, to: target)
                results.append((file.name, resumedFrom > 0 ? "downloaded (resumed at \(resumedFrom) bytes)" : "downloaded"))
            } catch {
                results.append((file.name, "failed: \(error)"))
                failures += 1
            }
        }
        progress.finish()
        session.emit(
            table: TextTable.render(["NAME", "RESULT"], results.map { [$0.name, $0.outcome] }),
            json: ["folder": .string(folder), "files": .array(results.map { ["name": .string($0.name), "result": .string($0.outcome)] })])
        if failures > 0 {
            ExporterMain.writeError("\(ProductVersion.name) logs: \(failures) of \(files.count) downloads failed; run the same command again to resume\n")
            return ExitStatus.failure
        }
        return ExitStatus.success
    }
}
