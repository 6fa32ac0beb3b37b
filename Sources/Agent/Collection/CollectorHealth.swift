/// How a collector's last poll went.
public struct CollectorHealth: Sendable, Equatable {
    public var lastSucceeded: Bool
    /// Seconds since the epoch of the last fully successful poll; nil before one.
    public var lastSuccess: Int64?
    public var lastDuration: Double

    public init(lastSucceeded: Bool, lastSuccess: Int64?, lastDuration: Double) {
        self.lastSucceeded = lastSucceeded
        self.lastSuccess = lastSuccess
        self.lastDuration = lastDuration
    }
}

/// Refresh tasks by type and status.
public struct TaskCountKey: Hashable, Sendable {
    public let type: String
    public let status: String
}
