import VODAPI

/// The account's own figures (shard 0): the refresh and preload quota, and the task counts of
/// the last 3 days; nil until their collectors first succeed.
public struct AccountFigures: Sendable {
    public var quota: DescribeVodRefreshQuota.Response?
    public var taskCounts: [TaskCountKey: Int]?
}
