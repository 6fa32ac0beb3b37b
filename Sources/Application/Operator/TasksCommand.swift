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
        \(ProductVersion.name) tasks [--task-id ID…] [--domain D --type file|directory|preload] [--status complete|refreshing|failed] [--wait]

        Lists the tasks of the last 3 days (all pages). With --wait and --task-id, polls until
        those tasks finish and exits 1 if any failed.

        Examples:
          \(ProductVersion.name) tasks --type preload --status failed
          \(ProductVersion.name) tasks --task-id 70422001,70422002 --wait
        """
    static let takesArguments = false
    static let taskId = Flag.list("task-id", placeholder: "ID", help: "Only these tasks (comma-separated or repeated).")
    static let domain = Flag.optionalString("domain", placeholder: "D", help: "Only tasks of this domain (without --type, every type is asked).")
    static let type = Flag.optionalChoice("type", placeholder: "TYPE", expected: "file, directory or preload",
        help: "file, directory or preload.") { DescribeVodRefreshTasks.ObjectType(rawValue: $0) }
    static let status = Flag.optionalChoice("status", placeholder: "STATUS", expected: "complete, refreshing or failed",
        help: "complete, refreshing or failed, as the output shows them (without --type, every type is asked).") { text in
        DescribeVodRefreshTasks.Status.allCases.first { $0.rawValue.lowercased() == text.lowercased() }
    }
    static let wait = Flag.boolean("wait", default: false, help: "Poll the --task-id tasks until they finish; exit 1 if any failed.")
    static let pollInterval = Flag.duration("poll-interval", default: 5, atLeast: 0.1, help: "Time between polls with --wait.")
    static let flags: [any FlagDeclaration] = [taskId, domain, type, status, wait, pollInterval]

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
        session.emit(
            table: TextTable.render(["TASK ID", "TYPE", "STATUS", "PROGRESS", "CREATED", "PATH", "REASON"], tasks.map { task in
                [task.taskId, task.objectType, task.status.lowercased(), task.process ?? "", task.creationTime.map(UTCTimestamp.format) ?? "", task.objectPath, task.description ?? ""]
            }),
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

    static func summary(_ tasks: [DescribeVodRefreshTasks.Task]) -> String {
        let counts = Dictionary(grouping: tasks, by: \.status).mapValues(\.count)
        return counts.keys.sorted().map { "\(counts[$0]!) \($0.lowercased())" }.joined(separator: ", ") + " of \(tasks.count) tasks"
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
