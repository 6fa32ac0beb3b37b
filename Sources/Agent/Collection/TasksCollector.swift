import VODAPI

/// Refresh and preload task counts by type and status (DescribeVodRefreshTasks), on shard 0
/// only. Counts come from `TotalCount` alone (page size 1): per type, one call per filterable
/// status plus one unfiltered; `pending` is what the three leave over.
struct TasksCollector: Collector {
    let client: VODClient
    let configuration: AgentConfiguration

    /// API calls of one run.
    static let callsPerRun = DescribeVodRefreshTasks.ObjectType.allCases.count * (DescribeVodRefreshTasks.Status.allCases.count + 1)

    var kind: AgentConfiguration.Collector { .tasks }
    var cadence: Cadence { configuration.cadence(of: .tasks) }

    func plan(_ engine: AgentEngine) async -> Result<[WorkItem], RunProblem> {
        .success([WorkItem(key: "account")])
    }

    func perform(_ item: WorkItem, engine: AgentEngine) async -> VODClientError? {
        var counts: [TaskCountKey: Int] = [:]
        do {
            for type in DescribeVodRefreshTasks.ObjectType.allCases {
                let all = try await client.call(DescribeVodRefreshTasks(pageNumber: 1, pageSize: 1, objectType: type)).totalCount
                var known = 0
                for status in DescribeVodRefreshTasks.Status.allCases {
                    let count = try await client.call(DescribeVodRefreshTasks(pageNumber: 1, pageSize: 1, objectType: type, status: status)).totalCount
                    counts[TaskCountKey(type: type.rawValue, status: status.rawValue.lowercased())] = count
                    known += count
                }
                counts[TaskCountKey(type: type.rawValue, status: "pending")] = max(0, all - known)
            }
        } catch {
            return error
        }
        await engine.apply(taskCounts: counts)
        return nil
    }
}
