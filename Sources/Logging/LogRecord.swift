/// One log line before formatting.
public struct LogRecord: Sendable, Equatable {
    public let level: LogLevel
    public let message: String
    /// Key/value context, sorted by key when formatted.
    public let metadata: [String: String]
    /// Seconds since the epoch.
    public let time: Double

    public init(level: LogLevel, message: String, metadata: [String: String], time: Double) {
        self.level = level
        self.message = message
        self.metadata = metadata
        self.time = time
    }
}

/// Where formatted log lines go. Implementations write each record as one unit, so lines from
/// different threads never interleave.
public protocol LogSink: Sendable {
    func write(_ record: LogRecord)
}
