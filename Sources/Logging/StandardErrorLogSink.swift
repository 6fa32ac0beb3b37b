#if canImport(Glibc)
import Glibc
#endif
import Primitives
import Synchronization

/// Writes each record as one line to standard error, with one `write(2)` per line under a lock.
public final class StandardErrorLogSink: LogSink {
    private let format: LogFormat
    private let lock = Mutex(())

    public init(format: LogFormat) {
        self.format = format
    }

    public func write(_ record: LogRecord) {
        let line = Array(format.line(for: record).utf8)
        lock.withLock { _ in
            // A failure means stderr is gone; logging must not take the agent down.
            _ = DescriptorIO.writeAll(line, to: STDERR_FILENO)
        }
    }
}
