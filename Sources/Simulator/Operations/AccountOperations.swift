import Primitives
import VODAPI

/// Domains, quota, tasks and log listings of the simulated account.
struct AccountOperations: Sendable {
    let domains: [String]
    let tasks: CacheTasks
    let model: TrafficModel
    let logs: LogFiles

    /// - Parameter hidden: domains left out (the `hide` fault).
    func userDomains(_ parameters: [String: String], hidden: Set<String>, requestId: String) throws(APIReply.Refusal) -> APIReply {
        let pageSize = try ParameterRules.page(parameters, "PageSize", default: 20, range: 1...50)
        let pageNumber = try ParameterRules.page(parameters, "PageNumber", default: 1, range: 1...100_000)
        if let status = parameters["DomainStatus"],
           !["online", "offline", "configuring", "configure_failed", "checking", "check_failed"].contains(status) {
            throw APIReply.Refusal(400, "InvalidDomainStatus.ValueNotSupported", "Specified DomainStatus is not supported.")
        }
        let searchType = parameters["DomainSearchType"] ?? "fuzzy_match"
        guard ["fuzzy_match", "pre_match", "suf_match", "full_match"].contains(searchType) else {
            throw APIReply.Refusal(400, "InvalidDomainSearchType.ValueNotSupported", "Specified DomainSearchType is not supported.")
        }
        var matching = domains.filter { !hidden.contains($0) }
        if let filter = parameters["DomainName"]?.lowercased(), !filter.isEmpty {
            matching = matching.filter { name in
                switch searchType {
                case "pre_match": name.hasPrefix(filter)
                case "suf_match": name.hasSuffix(filter)
                case "full_match": name == filter
                default: name.contains(filter)
                }
            }
        }
        if let status = parameters["DomainStatus"], status != "online" { matching = [] }
        let page = matching.dropFirst((pageNumber - 1) * pageSize).prefix(pageSize).map { name -> JSONValue in
            [
                "DomainName": .string(name), "Cname": .string("\(name).w.kunlungr.com"), "DomainStatus": "online", "SslProtocol": "on",
                "GmtCreated": "2024-03-01T08:00:00Z", "GmtModified": "2025-06-01T08:00:00Z", "Description": "", "Sandbox": "normal",
                "Sources": ["Source": [["Content": .string("origin.\(name)"), "Type": "domain", "Port": 443, "Priority": "20"]]],
            ]
        }
        return APIReply(body: ["RequestId": .string(requestId), "PageNumber": JSONValue(pageNumber), "PageSize": JSONValue(pageSize),
                               "TotalCount": JSONValue(matching.count), "Domains": ["PageData": .array(Array(page))]])
    }

    func quota(now: Int64, requestId: String) -> APIReply {
        let quota = tasks.quota(now: now)
        func pair(_ kind: String) -> (JSONValue, JSONValue) { (.string(String(quota[kind]!.quota)), .string(String(quota[kind]!.remaining))) }
        return APIReply(body: [
            "RequestId": .string(requestId), "UrlQuota": pair("url").0, "UrlRemain": pair("url").1, "DirQuota": pair("directory").0,
            "DirRemain": pair("directory").1, "PreloadQuota": pair("preload").0, "PreloadRemain": pair("preload").1,
            "BlockQuota": pair("block").0, "blockRemain": pair("block").1,
        ])
    }

    func refreshTasks(_ parameters: [String: String], now: Int64, requestId: String) throws(APIReply.Refusal) -> APIReply {
        let found = try tasks.describe(parameters, now: now)
        let entries = found.page.map { task -> JSONValue in
            let status = task.status(at: now)
            var entry: [String: JSONValue] = [
                "TaskId": .string(task.id), "ObjectPath": .string(task.path), "ObjectType": .string(task.type), "Status": .string(status),
                "Process": .string(status == "Refreshing" ? "\(min(95, (now - task.created) * 5))%" : "100%"),
                "CreationTime": .string(UTCTimestamp.format(task.created)),
            ]
            if status == "Failed" { entry["Description"] = "Origin Timeout" }
            return .object(entry)
        }
        return APIReply(body: ["RequestId": .string(requestId), "PageNumber": JSONValue(found.pageNumber), "PageSize": JSONValue(found.pageSize),
                               "TotalCount": JSONValue(found.total), "Tasks": ["Task": .array(entries)]])
    }

    /// DescribeVodDomainLog: one gzip file per hour, listed once the hour is over.
    /// - Parameter host: where the simulator was reached; the log links point back at it.
    func domainLog(_ parameters: [String: String], now: Int64, requestId: String, host: String) throws(APIReply.Refusal) -> APIReply {
        let names = try ParameterRules.domains(parameters, limit: 1, required: true)
        let pageSize = try ParameterRules.page(parameters, "PageSize", default: 300, range: 1...1000)
        let pageNumber = try ParameterRules.page(parameters, "PageNumber", default: 1, range: 1...100_000)
        let (start, end) = try ParameterRules.timeRange(parameters, now: now, defaultSpan: 86_400)
        guard end - start <= 366 * 86_400 else {
            throw APIReply.Refusal(400, "InvalidTime.ValueNotSupported", "The time span cannot exceed one year.")
        }
        let domain = names[0]
        var files: [JSONValue] = []
        if domains.contains(domain) {
            var hour = (start + 3599) / 3600 * 3600
            while hour + 3600 <= min(end, now - 600) {
                let name = LogFiles.name(domain: domain, hour: hour)
                files.append([
                    "LogName": .string(name),
                    // The real API gives a pre-signed OSS link without a scheme; these point back at the simulator.
                    "LogPath": .string("http://\(host)/-/simulator/logs/\(name)?Expires=\(now + 3600)&OSSAccessKeyId=LTAI5tSimulator&Signature=sim"),
                    "LogSize": JSONValue(logs.content(domain: domain, hour: hour).count), "StartTime": .string(UTCTimestamp.format(hour)),
                    "EndTime": .string(UTCTimestamp.format(hour + 3600)),
                ])
                hour += 3600
            }
        }
        let page = Array(files.dropFirst((pageNumber - 1) * pageSize).prefix(pageSize))
        return APIReply(body: [
            "RequestId": .string(requestId),
            "DomainLogDetails": ["DomainLogDetail": [[
                "DomainName": .string(domain), "LogCount": JSONValue(page.count),
                "PageInfos": ["PageNumber": JSONValue(pageNumber), "PageSize": JSONValue(pageSize), "Total": JSONValue(files.count)],
                "LogInfos": ["LogInfoDetail": .array(page)],
            ]]],
        ])
    }
}
