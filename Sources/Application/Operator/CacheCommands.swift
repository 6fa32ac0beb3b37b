import Flags
import Foundation
import VODAPI

/// What `refresh` and `preload` share: reading, checking and batching URLs, the quota check.
enum CacheSubmission {
    static let inputDefinitions = [
        FlagDefinition("from", placeholder: "FILE", help: "Read URLs from this file, one per line (- for standard input)."),
        FlagDefinition("force-quota", .boolean, default: "false", help: "Send even if today's remaining quota looks too small."),
    ]

    /// The URLs from the arguments, `--from`, or standard input when it is not a terminal.
    static func urls(_ session: OperatorSession) throws(CommandFailure) -> [String] {
        var entries = session.flags.positionals
        if let from = session.flags.string("from") {
            do {
                let text = from == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                    : try String(contentsOfFile: from, encoding: .utf8)
                entries += text.split(whereSeparator: \.isNewline).map(String.init)
            } catch {
                throw .failed("cannot read \(from): \(error.localizedDescription)")
            }
        } else if entries.isEmpty && isatty(0) == 0 {
            entries = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
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

    /// Refuses up front when today's remaining quota cannot cover `count` paths.
    static func checkQuota(_ session: OperatorSession, kind: String, count: Int) async throws(CommandFailure) {
        guard !(try session.usage { try session.flags.boolean("force-quota") }) else { return }
        let quota = try await session.call(DescribeVodRefreshQuota())
        let allowance: DescribeVodRefreshQuota.Allowance
        switch kind {
        case "directory": allowance = quota.directory
        case "preload": allowance = quota.preload
        default: allowance = quota.url
        }
        if Double(count) > allowance.remaining {
            throw .failed("\(count) \(kind) paths need more than today's remaining \(kind) quota (\(Int(allowance.remaining)) of \(Int(allowance.quota))); nothing was sent. Use --force-quota to send anyway.")
        }
    }

    /// Reads and checks the URLs, checks the quota, sends them in batches and prints the ids.
    static func submit(_ session: OperatorSession, quotaKind: String,
                       send: ([String]) async throws(CommandFailure) -> [String]) async throws(CommandFailure) -> Int32 {
        let urls = try urls(session)
        try await checkQuota(session, kind: quotaKind, count: urls.count)
        var ids: [String] = []
        let batches = ObjectPathList.batches(urls)
        for batch in batches { ids += try await send(batch) }
        report(session, ids: ids, urls: urls.count, requests: batches.count)
        return ExitStatus.success
    }

    static func report(_ session: OperatorSession, ids: [String], urls: Int, requests: Int) {
        session.emit(
            table: TextTable.render(["TASK ID"], ids.map { [$0] }) + "\(urls) URL\(urls == 1 ? "" : "s") in \(requests) request\(requests == 1 ? "" : "s"); follow with: \(ProductVersion.name) tasks --task-id \(ids.joined(separator: ",")) --wait\n",
            json: ["taskIds": ids, "urls": urls, "requests": requests])
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
        today's remaining quota cannot cover them.

        Examples:
          \(ProductVersion.name) refresh https://video.example.com/movies/a.mp4 https://video.example.com/movies/b.mp4
          \(ProductVersion.name) refresh --directory https://video.example.com/movies/
          git diff --name-only | sed 's#^#https://video.example.com/#' | \(ProductVersion.name) refresh
        """
    static let takesArguments = true
    static let definitions = [
        FlagDefinition("directory", .boolean, default: "false", help: "The URLs are directories (ObjectType=Directory)."),
        FlagDefinition("regex", .boolean, default: "false", help: "The URLs are regular expressions (ObjectType=Regex)."),
        FlagDefinition("ignore-params", .boolean, default: "false", help: "Match cached URLs without their query string (ObjectType=IgnoreParams)."),
        FlagDefinition("force", .boolean, default: "false", help: "Purge everything under a directory, not only changed files."),
    ] + CacheSubmission.inputDefinitions

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let flags = session.flags
        let kinds = try session.usage { [try flags.boolean("directory"), try flags.boolean("regex"), try flags.boolean("ignore-params")] }
        guard kinds.filter({ $0 }).count <= 1 else { throw .usage(UsageError("--directory, --regex and --ignore-params exclude each other")) }
        let objectType: RefreshVodObjectCaches.ObjectType = kinds[0] ? .directory : kinds[1] ? .regex : kinds[2] ? .ignoreParams : .file
        let force = try session.usage { try flags.boolean("force") }
        return try await CacheSubmission.submit(session, quotaKind: objectType == .directory ? "directory" : "url") { (batch) throws(CommandFailure) in
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
    static let definitions = [
        FlagDefinition("area", placeholder: "domestic|overseas", help: "Prefetch only to nodes in this area."),
        FlagDefinition("l2", .boolean, default: "false", help: "Prefetch to the L2 layer as well."),
    ] + CacheSubmission.inputDefinitions

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        var area: PreloadVodObjectCaches.Area?
        if let text = session.flags.string("area") {
            guard let value = PreloadVodObjectCaches.Area(rawValue: text) else {
                throw .usage(session.flags.invalid("area", text, expected: "domestic or overseas"))
            }
            area = value
        }
        let l2 = try session.usage { try session.flags.boolean("l2") }
        return try await CacheSubmission.submit(session, quotaKind: "preload") { [area] (batch) throws(CommandFailure) in
            try await session.call(PreloadVodObjectCaches(objectPaths: batch, area: area, l2Preload: l2 ? true : nil)).taskIds
        }
    }
}
