#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Writes each record as one line to standard error, with one `write(2)` per line under a lock.
public final class StandardErrorLogSink: LogSink {
    private let format: LogFormat
    private let lock = Mutex(())

    public init(format: LogFormat) {
        self.format = format
    }

    public func write(_ record: LogRecord) {
        var line = Array(format.line(for: record).utf8)
        lock.withLock { _ in
            var offset = 0
            while offset < line.count {
                let written = line.withUnsafeMutableBytes { Glibc.write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }  // stderr is gone; logging must not take the agent down
                offset += written
            }
        }
    }
}
