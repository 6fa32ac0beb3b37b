import Flags
import FoundationEssentials
import Primitives
import Synchronization
import VODAPI

/// `tasks`: refresh and preload tasks of the last 3 days; `--wait` follows given tasks to the end.
struct TasksCommand: OperatorCommand {
    static let name = "tasks"
    static let summary = "list refresh/preload tasks; --wait follows them to the end (DescribeVodRefreshTasks)"
    static let usage = """
        \(ProductVersion.name) tasks [--task-id ID…] [--domain NAME --type file|directory|preload] [--status complete|refreshing|failed] [--wait] [--urls]

        Lists the tasks of the last 3 days (all pages), one row per task with how many of its
        URLs are in each status; --urls shows every URL. With --wait and --task-id, polls until
        those tasks finish and exits 1 if any failed.

        Examples:
          \(ProductVersion.name) tasks --type preload --status failed
          \(ProductVersion.name) tasks --task-id 70422001,70422002 --wait
        """
    static let takesArguments = false
    static let taskId = Flag.list("task-id", placeholder: "ID", help: "Only these tasks (comma-separated or repeated).")
    static let domain = Flag.optionalString("domain", placeholder: "NAME", help: "Only tasks of this domain (without --type, every type is asked).")
    static let type = Flag.optionalChoice("type", placeholder: "TYPE", expected: "file, directory or preload",
        help: "file, directory or preload.") { DescribeVodRefreshTasks.ObjectType(rawValue: $0) }
    static let status = Flag.optionalChoice("status", placeholder: "STATUS", expected: "complete, refreshing or failed",
        help: "complete, refreshing or failed, as the output shows them (without --type, every type is asked).") { text in
        DescribeVodRefreshTasks.Status.allCases.first { $0.rawValue.lowercased() == text.lowercased() }
    }
    static let wait = Flag.boolean("wait", default: false, help: "Poll the --task-id tasks until they finish; exit 1 if any failed.")
    static let pollInterval = Flag.duration("poll-interval", default: 5, atLeast: 0.1, help: "Time between polls with --wait.")
    static let urls = Flag.boolean("urls", default: false, help: "One row per URL instead of one per task.")
    static let flags: [any FlagDeclaration] = [taskId, domain, type, status, wait, pollInterval, urls]

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let ids = try session.value(Self.taskId)
        let type = try session.value(Self.type)
        let status = try session.value(Self.status)
        let domain = try session.value(Self.domain)
        // The API wants ObjectType with DomainName or Status; without --type, every type is asked.
        let types: [DescribeVodRefreshTasks.ObjectType?] = (domain != nil || status != nil) && type == nil
            ? DescribeVodRefreshTasks.ObjectType.allCases : [type]
        let wait = try session.value(Self.wait)
        if wait && ids.isEmpty { throw .usage(UsageError("--wait needs --task-id (the ids refresh and preload print)")) }
        let interval = try session.value(Self.pollInterval)

        func fetch() async throws(CommandFailure) -> [DescribeVodRefreshTasks.Task] {
            if !ids.isEmpty {
                var tasks: [DescribeVodRefreshTasks.Task] = []
                for id in ids { tasks += try await allPages(session, DescribeVodRefreshTasks(taskId: id)) }
                return tasks
            }
            var tasks: [DescribeVodRefreshTasks.Task] = []
            for type in types {
                tasks += try await allPages(session, DescribeVodRefreshTasks(objectType: type, domainName: domain, status: status))
            }
            return tasks
        }

        var tasks = try await fetch()
        if wait {
            if ids.contains(where: { id in !tasks.contains { $0.taskId == id } }) {
                throw .failed("no task with id \(ids.filter { id in !tasks.contains { $0.taskId == id } }.joined(separator: ", ")) in the last 3 days")
            }
            let progress = ProgressLine()
            var lastSummary = ""
            while true {
                let summary = Self.summary(tasks)
                if summary != lastSummary {
                    progress.update(summary)
                    lastSummary = summary
                }
                if !tasks.contains(where: { ["Refreshing", "Pending"].contains($0.status) }) { break }
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                tasks = try await fetch()
            }
            progress.finish()
        }
        let perURL = try session.value(Self.urls)
        session.emit(
            table: perURL
                ? TextTable.render(["TASK ID", "TYPE", "STATUS", "PROGRESS", "CREATED", "PATH", "REASON"], tasks.map { task in
                    [task.taskId, task.objectType, task.status.lowercased(), task.process ?? "", task.creationTime.map(UTCTimestamp.format) ?? "", task.objectPath, task.description ?? ""]
                })
                : TextTable.render(["TASK ID", "TYPE", "URLS", "STATUS", "CREATED", "FIRST PATH", "REASON"], Self.perTask(tasks))
                    + (tasks.isEmpty ? "" : Self.summary(tasks, of: "URLs") + " in \(Set(tasks.map(\.taskId)).count) tasks (--urls for each URL)\n"),
            json: ["tasks": .array(tasks.map { task -> JSONValue in
                // One vocabulary with --status: complete, refreshing, failed (and pending).
                ["taskId": .string(task.taskId), "type": .string(task.objectType), "status": .string(task.status.lowercased()),
                 "progress": JSONValue(Self.percent(task.process)), "created": JSONValue(task.creationTime.map(UTCTimestamp.format)),
                 "path": .string(task.objectPath), "reason": JSONValue(task.description)]
            })])
        let failed = tasks.filter { $0.status == "Failed" }
        if wait && !failed.isEmpty {
            ExporterMain.writeError("\(ProductVersion.name) tasks: \(failed.count) of \(tasks.count) tasks failed\n")
            return ExitStatus.failure
        }
        return ExitStatus.success
    }

    /// The API's progress (`"10%"`) as a number from 0 to 100, for scripts.
    static func percent(_ process: String?) -> Double? {
        guard let process else { return nil }
        let digits = process.hasSuffix("%") ? process.dropLast() : Substring(process)
        return Double(digits).flatMap { $0.isFinite && $0 >= 0 && $0 <= 100 ? $0 : nil }
    }

    /// Every page of a task query (50 a page, until `TotalCount`).
    static func allPages(_ session: OperatorSession, _ query: DescribeVodRefreshTasks) async throws(CommandFailure) -> [DescribeVodRefreshTasks.Task] {
        var tasks: [DescribeVodRefreshTasks.Task] = []
        var page = 1
        while true {
            var request = query
            request.pageNumber = page
            request.pageSize = DescribeVodRefreshTasks.maxPageSize
            let answer = try await session.call(request)
            tasks += answer.tasks
            if answer.tasks.isEmpty || tasks.count >= answer.totalCount { return tasks }
            page += 1
        }
    }

    /// One row per task id, in the order the API listed them: its URLs, how many are in each
    /// status, the first creation time, the first path and the first failure's reason.
    static func perTask(_ tasks: [DescribeVodRefreshTasks.Task]) -> [[String]] {
        var order: [String] = []
        var groups: [String: [DescribeVodRefreshTasks.Task]] = [:]
        for task in tasks {
            if groups[task.taskId] == nil { order.append(task.taskId) }
            groups[task.taskId, default: []].append(task)
        }
        return order.map { id in
            let group = groups[id]!
            let counts = Dictionary(grouping: group, by: { $0.status.lowercased() }).mapValues(\.count)
            let status = counts.count == 1 ? counts.keys.first! : counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
            let first = group[0].objectPath + (group.count > 1 ? " (+\(group.count - 1))" : "")
            return [id, group[0].objectType, String(group.count), status, group.compactMap(\.creationTime).min().map(UTCTimestamp.format) ?? "",
                    first, group.first { $0.description?.isEmpty == false }?.description ?? ""]
        }
    }

    static func summary(_ tasks: [DescribeVodRefreshTasks.Task], of noun: String = "tasks") -> String {
        let counts = Dictionary(grouping: tasks, by: \.status).mapValues(\.count)
        return counts.keys.sorted().map { "\(counts[$0]!) \($0.lowercased())" }.joined(separator: ", ") + " of \(tasks.count) \(noun)"
    }
}

/// A status line on standard error: rewritten in place on a terminal, one line per change
/// otherwise (logs and CI).
final class ProgressLine: Sendable {
    private let isTerminal = StandardStreams.isTerminal(2)
    private let shown = Mutex(false)

    func update(_ text: String) {
        if isTerminal {
            StandardStreams.writeError("\r\u{1B}[K" + text)
        } else {
            StandardStreams.writeError(text + "\n")
        }
        shown.withLock { $0 = true }
    }

    func finish() {
        if isTerminal && shown.withLock({ $0 }) { StandardStreams.writeError("\n") }
    }
}
