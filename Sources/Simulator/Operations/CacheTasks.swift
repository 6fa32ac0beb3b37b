import FoundationEssentials
import Primitives
import Synchronization

/// Refresh and preload tasks and the daily quotas they consume. A task is `Refreshing` for a
/// while (20 s by default), then `Complete`, or `Failed` when its URL contains `fail` (the way
/// to ask for one).
final class CacheTasks: Sendable {
    struct Task: Sendable {
        let id: String
        let path: String
        let type: String  // file, directory, preload
        let domain: String
        let created: Int64
        let duration: Int64

        func status(at now: Int64) -> String {
            if now < created + duration { return "Refreshing" }
            return path.contains("fail") ? "Failed" : "Complete"
        }
    }

    static let quotas = ["url": 2000, "directory": 100, "preload": 500, "block": 500]

    private struct State {
        var tasks: [Task] = []
        var used: [String: Int] = [:]
        var day: Int64 = 0
        var nextId: Int64 = 70_422_000_000
    }

    private let state = Mutex(State())
    private let domains: [String]
    private let taskSeconds: Int64

    init(domains: [String], taskSeconds: Int64 = 20) {
        self.domains = domains
        self.taskSeconds = taskSeconds
    }

    /// Quota and remaining by kind today (the day turns at midnight China time).
    func quota(now: Int64) -> [String: (quota: Int, remaining: Int)] {
        state.withLock { state in
            Self.roll(&state, now: now)
            return Self.quotas.mapValues { _ in (0, 0) }.reduce(into: [:]) { result, entry in
                let limit = Self.quotas[entry.key]!
                result[entry.key] = (limit, limit - (state.used[entry.key] ?? 0))
            }
        }
    }

    /// RefreshVodObjectCaches / PreloadVodObjectCaches: validates, charges the quota, creates
    /// one task id per domain in the request.
    func submit(_ parameters: [String: String], preload: Bool, now: Int64) throws(APIReply.Refusal) -> String {
        guard let pathText = parameters["ObjectPath"], !pathText.isEmpty else {
            throw APIReply.Refusal(400, "MissingParameter", "The input parameter ObjectPath that is mandatory for processing this request is not supplied.")
        }
        let paths = pathText.split(whereSeparator: \.isNewline).map(String.init)  // "\n" or "\r\n" (one Character)
        guard paths.count <= 1000 else { throw APIReply.Refusal(400, "SingleRequest.OverLimit", "At most 1000 URLs per request.") }
        let objectType = preload ? "File" : (parameters["ObjectType"] ?? "File")
        guard ["File", "Directory", "Regex", "IgnoreParams"].contains(objectType) else {
            throw APIReply.Refusal(400, "InvalidObjectType.Malformed", "Specified ObjectType is malformed.")
        }
        if preload, let area = parameters["Area"], !["domestic", "overseas"].contains(area) {
            throw APIReply.Refusal(400, "InvalidParameter", "Specified Area is not valid.")
        }
        var hosts: [String] = []
        for path in paths {
            guard let url = URL(string: path), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), let host = url.host?.lowercased() else {
                throw APIReply.Refusal(400, "InvalidObjectPath.Malformed", "Specified ObjectPath is malformed.")
            }
            guard domains.contains(host) else {
                throw APIReply.Refusal(404, "InvalidDomain.NotFound", "The domain \(host) does not belong to you.")
            }
            hosts.append(host)
        }
        let kind = preload ? "preload" : (objectType == "Directory" ? "directory" : "url")
        let type = preload ? "preload" : (objectType == "Directory" ? "directory" : "file")
        return try state.withLock { (state) throws(APIReply.Refusal) -> String in
            Self.roll(&state, now: now)
            guard (state.used[kind] ?? 0) + paths.count <= Self.quotas[kind]! else {
                throw APIReply.Refusal(400, preload ? "QuotaExceeded.Preload" : "QuotaExceeded.Refresh", "Your daily quota is used up.")
            }
            state.used[kind, default: 0] += paths.count
            var idByDomain: [String: String] = [:]
            var ids: [String] = []
            for (path, host) in zip(paths, hosts) {
                let id: String
                if let existing = idByDomain[host] {
                    id = existing
                } else {
                    state.nextId += 1
                    id = String(state.nextId)
                    idByDomain[host] = id
                    ids.append(id)
                }
                state.tasks.append(Task(id: id, path: path, type: type, domain: host, created: now, duration: taskSeconds))
            }
            return ids.joined(separator: ",")
        }
    }

    /// DescribeVodRefreshTasks: the filtered tasks of the last 3 days and one page of them.
    func describe(_ parameters: [String: String], now: Int64) throws(APIReply.Refusal) -> (total: Int, page: [Task], pageNumber: Int, pageSize: Int) {
        let pageNumber = try ParameterRules.page(parameters, "PageNumber", default: 1, range: 1...100_000)
        let pageSize = try ParameterRules.page(parameters, "PageSize", default: 20, range: 1...50)
        let type = parameters["ObjectType"]
        if type == nil && (parameters["DomainName"] != nil || parameters["Status"] != nil) {
            throw APIReply.Refusal(400, "MissingParameter.ObjectType", "ObjectType is required with DomainName or Status.")
        }
        if let type, !["file", "directory", "preload"].contains(type) {
            throw APIReply.Refusal(400, "InvalidObjectType.ValueNotSupported", "Specified ObjectType is not supported.")
        }
        if let status = parameters["Status"], !["Complete", "Refreshing", "Failed"].contains(status) {
            throw APIReply.Refusal(400, "InvalidStatus.ValueNotSupported", "Specified Status is not supported.")
        }
        let hasRange = parameters["StartTime"] != nil || parameters["EndTime"] != nil
        let (start, end) = hasRange ? try ParameterRules.timeRange(parameters, now: now, defaultSpan: 3 * 86_400) : (now - 3 * 86_400, now + 1)
        guard start >= now - 3 * 86_400 - 600 else { throw APIReply.Refusal(400, "InvalidTime", "Only the last 3 days can be queried.") }
        let matching = state.withLock { $0.tasks }.filter { task in
            task.created >= start && task.created < max(end, start + 1)
                && (type == nil || task.type == type) && (parameters["TaskId"] == nil || task.id == parameters["TaskId"])
                && (parameters["DomainName"] == nil || task.domain == parameters["DomainName"]?.lowercased())
                && (parameters["ObjectPath"] == nil || task.path.contains(parameters["ObjectPath"]!))
                && (parameters["Status"] == nil || task.status(at: now) == parameters["Status"])
        }.sorted { $0.created > $1.created }
        let page = Array(matching.dropFirst((pageNumber - 1) * pageSize).prefix(pageSize))
        return (matching.count, page, pageNumber, pageSize)
    }

    private static func roll(_ state: inout State, now: Int64) {
        let day = (now + 8 * 3600) / 86_400
        if day != state.day {
            state.day = day
            state.used = [:]
        }
        state.tasks.removeAll { $0.created < now - 3 * 86_400 }
    }
}
