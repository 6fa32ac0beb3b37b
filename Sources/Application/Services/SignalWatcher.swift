import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Delivers SIGINT, SIGTERM and SIGHUP as values, from Dispatch signal sources.
///
/// The default action of each signal is replaced by `SIG_IGN` before its source is resumed, so
/// a signal that arrives during start-up is neither lost nor fatal once `init` has returned.
/// A second SIGINT or SIGTERM ends the process at once (status 1): the escape hatch when a
/// graceful stop hangs.
///
/// - Important: `@unchecked Sendable`: the sources are set once in `init` and only cancelled in
///   `deinit`; Dispatch sources themselves are thread-safe.
public final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>

    public init(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        let queue = DispatchQueue(label: "vodcdn.signals")
        let stopSignals = Atomic<Int>(0)
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if number == SIGINT || number == SIGTERM, stopSignals.add(1, ordering: .relaxed).newValue > 1 {
                    _exit(1)
                }
                continuation.yield(number)
            }
            source.resume()
            return source
        }
    }

    /// The signals received, in order.
    public var signals: AsyncStream<Int32> { stream }

    deinit {
        for source in sources { source.cancel() }
    }
}
