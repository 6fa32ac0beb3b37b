/// A leveled logger with key/value metadata, passed to each component (no global logger).
///
/// Messages are autoclosures: a suppressed debug line costs one comparison.
public struct Logger: Sendable {
    /// Records below this level are dropped.
    public let level: LogLevel
    private let sink: (any LogSink)?
    private let metadata: [String: String]
    private let clock: @Sendable () -> Double

    /// - Parameters:
    ///   - clock: seconds since the epoch, injected so tests are deterministic.
    public init(level: LogLevel, sink: any LogSink, clock: @escaping @Sendable () -> Double) {
        self.level = level
        self.sink = sink
        self.metadata = [:]
        self.clock = clock
    }

    private init(level: LogLevel, sink: (any LogSink)?, metadata: [String: String], clock: @escaping @Sendable () -> Double) {
        self.level = level
        self.sink = sink
        self.metadata = metadata
        self.clock = clock
    }

    /// A logger that writes nothing.
    public static let disabled = Logger(level: .error, sink: nil, metadata: [:], clock: { 0 })

    /// This logger with `key=value` added to every line.
    public func with(_ key: String, _ value: String) -> Logger {
        var metadata = self.metadata
        metadata[key] = value
        return Logger(level: level, sink: sink, metadata: metadata, clock: clock)
    }

    /// Whether lines at `level` are written.
    public func isEnabled(_ level: LogLevel) -> Bool {
        sink != nil && level >= self.level
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: String] = [:]) {
        guard isEnabled(level), let sink else { return }
        sink.write(LogRecord(level: level, message: message(), metadata: self.metadata.merging(metadata()) { $1 }, time: clock()))
    }

    public func debug(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: String] = [:]) {
        log(.debug, message(), metadata())
    }

    public func info(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: String] = [:]) {
        log(.info, message(), metadata())
    }

    public func warn(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: String] = [:]) {
        log(.warn, message(), metadata())
    }

    public func error(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> [String: String] = [:]) {
        log(.error, message(), metadata())
    }
}
