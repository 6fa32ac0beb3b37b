import Flags
import FoundationEssentials
import Primitives
import VODAPI

/// What `refresh` and `preload` share: reading, checking and batching URLs, the quota check,
/// and sending batches so that a failure part-way never loses what was already accepted.
enum CacheSubmission {
    static let from = Flag.optionalString("from", placeholder: "FILE", help: "Read URLs from this file, one per line (- for standard input).")
    static let forceQuota = Flag.boolean("force-quota", default: false, commandLineOnly: true,
        help: "Send even if today's remaining quota looks too small.")
    static let dryRun = Flag.boolean("dry-run", default: false, help: "Show the batches and the quota they need against what remains; send nothing.")
    static let unsent = Flag.optionalString("unsent", placeholder: "FILE",
        help: "If a batch fails, write the URLs that were not sent here (one per line), ready for --from FILE.")
    /// The flags of reading URLs and sending them, shared by refresh and preload.
    static let inputFlags: [any FlagDeclaration] = [from, forceQuota, dryRun, unsent]

    /// The URLs from the arguments, `--from`, or standard input when it is not a terminal.
    static func urls(_ session: OperatorSession) throws(CommandFailure) -> [String] {
        var entries = session.flags.positionals
        if let from = try session.value(Self.from) {
            let text: String
            if from == "-" {
                text = StandardStreams.readInput()
            } else {
                do {
                    text = try TextFile.read(from)
                } catch {
                    throw .usage(UsageError("--from: \(error.description)"))
                }
            }
            entries += text.split(whereSeparator: \.isNewline).map(String.init)
        } else if entries.isEmpty && !StandardStreams.isTerminal(0) {
            entries = StandardStreams.readInput().split(whereSeparator: \.isNewline).map(String.init)
        }
        let urls: [String]
        do {
            urls = try ObjectPathList.parse(entries)
        } catch {
            throw .usage(UsageError(error.description))
        }
        guard !urls.isEmpty else { throw .usage(UsageError("no URLs given (arguments, --from FILE, or standard input)")) }
        return urls
    }

    /// Today's allowance of `kind` (`url`, `directory`, `preload`).
    static func allowance(_ session: OperatorSession, kind: String) async throws(CommandFailure) -> DescribeVodRefreshQuota.Allowance {
        let quota = try await session.call(DescribeVodRefreshQuota())
        switch kind {
        case "directory": return quota.directory
        case "preload": return quota.preload
        default: return quota.url
        }
    }

    /// Refuses up front when today's remaining quota cannot cover `count` paths.
    static func checkQuota(_ session: OperatorSession, kind: String, count: Int) async throws(CommandFailure) {
        guard !(try session.value(Self.forceQuota)) else { return }
        let allowance = try await allowance(session, kind: kind)
        if Double(count) > allowance.remaining {
            throw .failed("\(count) \(kind) paths need more than today's remaining \(kind) quota (\(Int(allowance.remaining)) of \(Int(allowance.quota))); nothing was sent. Use --force-quota to send anyway.")
        }
    }

    /// Reads and checks the URLs, checks the quota, sends them in batches and reports what was
    /// accepted, as each batch is, and what was not.
    /// - Parameter check: refuses URLs the command cannot take (before anything is asked).
    static func submit(_ session: OperatorSession, quotaKind: String, check: ([String]) throws(CommandFailure) -> Void = { _ in },
                       send: ([String]) async throws(CommandFailure) -> [String]) async throws(CommandFailure) -> Int32 {
        let urls = try urls(session)
        try check(urls)
        let batches = ObjectPathList.batches(urls)
        let unsentPath = try session.value(Self.unsent)
        if try session.value(Self.dryRun) {
            return try await dryRun(session, quotaKind: quotaKind, batches: batches)
        }
        try await checkQuota(session, kind: quotaKind, count: urls.count)
        let outcome = await BatchSubmission.send(batches, send: send) { index, batch, ids in
            // At once, so an interrupted or failing run has already shown what was accepted.
            if !session.isJSON {
                print("batch \(index + 1)/\(batches.count) accepted: \(batch.count) URL\(batch.count == 1 ? "" : "s"), task \(ids.joined(separator: ","))")
                StandardStreams.flushOutput()
            }
        }
        var unsentWritten: String?
        var unsentProblem: String?
        if let unsentPath, !outcome.unsent.isEmpty {
            do {
                try TextFile.write(outcome.unsent.joined(separator: "\n") + "\n", to: unsentPath)
                unsentWritten = unsentPath
            } catch {
                unsentProblem = error.description
            }
        }
        report(session, outcome: outcome, urls: urls.count, batches: batches.count, unsentFile: unsentWritten)
        guard let failure = outcome.failure else { return ExitStatus.success }
        var lines = ["batch \(outcome.accepted.count + 1)/\(batches.count) failed: \(failure.error.message)",
                     "\(outcome.unsent.count) URL\(outcome.unsent.count == 1 ? " was" : "s were") not sent; \(outcome.acceptedURLs) accepted in \(outcome.accepted.count) batch\(outcome.accepted.count == 1 ? "" : "es")."]
        if !outcome.taskIds.isEmpty {
            lines.append("Follow the accepted ones: \(ProductVersion.name) tasks --task-id \(outcome.taskIds.joined(separator: ",")) --wait")
        }
        if let unsentWritten {
            lines.append("Retry only what was not sent: \(ProductVersion.name) \(session.command) --from \(unsentWritten) (with the same flags)")
        } else if let unsentProblem {
            lines.append("The URLs not sent could not be written: \(unsentProblem)")
        } else {
            lines.append("To retry only what was not sent, run again with --unsent FILE to keep them, or take them from the --output json document.")
        }
        throw .reported(lines.joined(separator: "\n"))
    }

    /// `--dry-run`: the batches and the quota they need; nothing is sent. Exits 1, saying so,
    /// when the quota cannot cover them (the real command would be refused up front).
    static func dryRun(_ session: OperatorSession, quotaKind: String, batches: [[String]]) async throws(CommandFailure) -> Int32 {
        let allowance = try await allowance(session, kind: quotaKind)
        let needed = batches.reduce(0) { $0 + $1.count }
        let fits = Double(needed) <= allowance.remaining
        session.emit(
            table: TextTable.render(["BATCH", "URLS", "FIRST URL"], batches.enumerated().map { ["\($0.offset + 1)", "\($0.element.count)", $0.element.first ?? ""] })
                + "dry run: \(needed) \(quotaKind) paths in \(batches.count) request\(batches.count == 1 ? "" : "s"); today's \(quotaKind) quota: \(Int(allowance.remaining)) of \(Int(allowance.quota)) remain"
                + (fits ? "; nothing was sent\n" : " (\(needed - Int(allowance.remaining)) short: the batches past it would fail); nothing was sent\n"),
            json: ["dryRun": true, "batches": .array(batches.enumerated().map { ["batch": JSONValue($0.offset + 1), "urls": JSONValue($0.element.count)] }),
                   "quota": ["kind": .string(quotaKind), "needed": JSONValue(needed), "remaining": JSONValue(Int(allowance.remaining)), "total": JSONValue(Int(allowance.quota))]])
        guard fits else {
            let short = needed - Int(allowance.remaining)
            let refusal = try session.value(Self.forceQuota)
                ? "with --force-quota the batches past the quota would fail"
                : "the command would be refused before sending anything (--force-quota sends anyway, and the batches past the quota fail)"
            throw .reported("dry run: \(short) \(quotaKind) path\(short == 1 ? "" : "s") short of today's remaining \(quotaKind) quota (\(Int(allowance.remaining)) of \(Int(allowance.quota))): \(refusal)")
        }
        return ExitStatus.success
    }

    static func report(_ session: OperatorSession, outcome: BatchSubmission.Outcome, urls: Int, batches: Int, unsentFile: String?) {
        var json: [String: JSONValue] = [
            "taskIds": JSONValue(outcome.taskIds), "urls": JSONValue(urls), "requests": JSONValue(batches), "acceptedURLs": JSONValue(outcome.acceptedURLs),
            "accepted": .array(outcome.accepted.enumerated().map {
                ["batch": JSONValue($0.offset + 1), "urls": JSONValue($0.element.urls), "taskIds": JSONValue($0.element.taskIds)]
            }),
        ]
        if let failure = outcome.failure {
            var failed: [String: JSONValue] = ["batch": JSONValue(outcome.accepted.count + 1), "urls": JSONValue(failure.urls), "message": .string(failure.error.message)]
            if case .api(let error) = failure.error, let api = error.apiError {
                failed["code"] = .string(api.code)
                failed["requestId"] = .string(api.requestId ?? "")
            }
            json["failed"] = .object(failed)
            json["unsent"] = JSONValue(outcome.unsent)
            if let unsentFile { json["unsentFile"] = .string(unsentFile) }
        }
        let summary = outcome.failure == nil
            ? "\(urls) URL\(urls == 1 ? "" : "s") in \(batches) request\(batches == 1 ? "" : "s"); follow with: \(ProductVersion.name) tasks --task-id \(outcome.taskIds.joined(separator: ",")) --wait\n"
            : ""
        session.emit(table: summary, json: .object(json))
    }
}

/// `refresh URL…`: purge cached copies.
struct RefreshCommand: OperatorCommand {
    static let name = "refresh"
    static let summary = "purge cached files or directories (RefreshVodObjectCaches)"
    static let usage = """
        \(ProductVersion.name) refresh URL… [--directory | --regex | --ignore-params] [--force] [--from FILE]

        Purges cached copies. URLs come from the arguments, --from FILE, or standard input; they are
        checked and de-duplicated first, sent in requests of at most 1,000, and refused up front when
        today's remaining quota cannot cover them. Each accepted request's task id is printed at
        once; if a request fails, the ones before it stay accepted (exit 1): the output says how to
        follow them and, with --unsent FILE, how to retry only what was not sent. --directory,
        --regex, --ignore-params, --force and --force-quota are taken from the command line only.

        Examples:
          \(ProductVersion.name) refresh https://video.example.com/movies/a.mp4 https://video.example.com/movies/b.mp4
          \(ProductVersion.name) refresh --directory https://video.example.com/movies/
          git diff --name-only | sed 's#^#https://video.example.com/#' | \(ProductVersion.name) refresh --unsent unsent.txt
          \(ProductVersion.name) refresh --from urls.txt --dry-run
        """
    static let takesArguments = true
    static let directory = Flag.boolean("directory", default: false, commandLineOnly: true, help: "The URLs are directories (ObjectType=Directory).")
    static let regex = Flag.boolean("regex", default: false, commandLineOnly: true, help: "The URLs are regular expressions (ObjectType=Regex).")
    static let ignoreParams = Flag.boolean("ignore-params", default: false, commandLineOnly: true,
        help: "Match cached URLs without their query string (ObjectType=IgnoreParams).")
    static let force = Flag.boolean("force", default: false, commandLineOnly: true, help: "Purge everything under a directory, not only changed files.")
    static let flags: [any FlagDeclaration] = [directory, regex, ignoreParams, force] + CacheSubmission.inputFlags

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let kinds = [try session.value(Self.directory), try session.value(Self.regex), try session.value(Self.ignoreParams)]
        guard kinds.filter({ $0 }).count <= 1 else { throw .usage(UsageError("--directory, --regex and --ignore-params exclude each other")) }
        let objectType: RefreshVodObjectCaches.ObjectType = kinds[0] ? .directory : kinds[1] ? .regex : kinds[2] ? .ignoreParams : .file
        let force = try session.value(Self.force)
        let check = { (urls: [String]) throws(CommandFailure) in
            guard objectType == .directory else { return }
            let files = urls.filter { !$0.hasSuffix("/") }
            guard files.isEmpty else {
                throw .usage(UsageError("--directory takes directories, which end with \"/\": " + files.prefix(3).map { "\($0) (a directory would be \($0)/)" }.joined(separator: ", ")
                                        + (files.count > 3 ? " and \(files.count - 3) more" : "")))
            }
        }
        return try await CacheSubmission.submit(session, quotaKind: objectType == .directory ? "directory" : "url", check: check) { (batch) throws(CommandFailure) in
            try await session.call(RefreshVodObjectCaches(objectPaths: batch, objectType: objectType, force: force ? true : nil)).taskIds
        }
    }
}

/// `preload URL…`: warm the caches.
struct PreloadCommand: OperatorCommand {
    static let name = "preload"
    static let summary = "prefetch files into the caches (PreloadVodObjectCaches)"
    static let usage = """
        \(ProductVersion.name) preload URL… [--area domestic|overseas] [--l2] [--from FILE]

        Prefetches files to the edge before viewers ask for them. URLs as for refresh.

        Examples:
          \(ProductVersion.name) preload https://video.example.com/new/episode1.m3u8
          \(ProductVersion.name) preload --area overseas --from new-videos.txt
        """
    static let takesArguments = true
    static let area = Flag.optionalChoice("area", placeholder: "domestic|overseas", expected: "domestic or overseas",
        help: "Prefetch only to nodes in this area.") { PreloadVodObjectCaches.Area(rawValue: $0) }
    static let l2 = Flag.boolean("l2", default: false, help: "Prefetch to the L2 layer as well.")
    static let flags: [any FlagDeclaration] = [area, l2] + CacheSubmission.inputFlags

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let area = try session.value(Self.area)
        let l2 = try session.value(Self.l2)
        return try await CacheSubmission.submit(session, quotaKind: "preload") { [area] (batch) throws(CommandFailure) in
            try await session.call(PreloadVodObjectCaches(objectPaths: batch, area: area, l2Preload: l2 ? true : nil)).taskIds
        }
    }
}
