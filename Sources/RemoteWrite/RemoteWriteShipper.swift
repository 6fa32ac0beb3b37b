import Dispatch
import Exposition
import HTTPClient
import Lifecycle
import Logging
import Primitives
import Synchronization

/// Sends the queue's segments to the receiver, oldest first, for as long as the agent runs, and
/// what is left at a shutdown (within the group's bound). A segment leaves the queue only when
/// the receiver has taken it, or has refused it for good; until then it is retried with backoff,
/// across restarts. A refused request is split in halves by series until the series the receiver
/// will not take are found, so one bad series does not cost the rest of its request.
public final class RemoteWriteShipper: Service {
    /// What happened to the samples so far (since the process started).
    public struct Statistics: Sendable, Equatable {
        /// Samples the receiver took.
        public var sent: UInt64 = 0
        /// Samples of attempts that failed and are retried (one sample counts once per attempt).
        public var failed: UInt64 = 0
        /// Samples given up, by reason.
        public var dropped: [DropReason: UInt64] = [:]
        /// When the receiver last took a request.
        public var lastSuccess: Int64?
    }

    /// Why samples were given up.
    public enum DropReason: String, Sendable, CaseIterable {
        /// The receiver answered 4xx (not 429): the data cannot be taken (too old, a duplicate
        /// with another value, bad labels); sending it again cannot help.
        case refused
        /// The queue held `--remote-write.queue-limit` samples: the oldest went.
        case queueFull = "queue_full"
        /// The samples could not be written to, or read back from, the queue's folder.
        case unwritable
    }

    public let queue: SegmentQueue
    private let sender: RemoteWriteSender
    private let time: any TimeSource
    private let logger: Logger
    private let statistics = Mutex(Statistics())
    /// When the current run of failed attempts began (nil while sends succeed), and when it was last logged.
    private let failing = Mutex<(since: Double, logged: Double)?>(nil)
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// Queue files are read, written and removed here, off the Swift concurrency pool; nil:
    /// on the calling task.
    private let io: DispatchQueue?
    /// A run of failures is logged when it starts and then at most this often.
    static let failureLogInterval: Double = 300

    /// Where the queue's blocking file work runs.
    public enum FileWork: Sendable {
        /// A Dispatch queue of the shipper's own (the agent).
        case ownQueue
        /// The calling task (virtual-time tests, where work on another thread would race the
        /// virtual clock).
        case inline
    }

    public init(queue: SegmentQueue, sender: RemoteWriteSender, time: any TimeSource, logger: Logger, fileWork: FileWork = .ownQueue) {
        self.queue = queue
        io = fileWork == .ownQueue ? DispatchQueue(label: "vodcdn.remote-write") : nil
        self.sender = sender
        self.time = time
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        if !queue.foreignFiles.isEmpty {
            logger.warn("files in the remote-write queue's folder that are not segments are left alone",
                        ["folder": queue.directory, "files": queue.foreignFiles.prefix(5).joined(separator: ",")])
        }
        let totals = queue.totals
        if totals.segments > 0 {
            logger.info("unsent samples from an earlier run are sent first", ["samples": String(totals.samples), "segments": String(totals.segments)])
        }
    }

    /// The counters so far.
    public var current: Statistics { statistics.withLock { $0 } }

    /// Queues `writes` durably and wakes the sender. Samples that cannot be written are counted
    /// as dropped and logged.
    public func enqueue(_ writes: [EncodedWrite]) async {
        guard !writes.isEmpty else { return }
        let now = Int64(time.now())
        // Each request its own segment, so a failure loses exactly the samples of what was not written.
        let (dropped, unwritten, failure) = await onIO { [queue] () -> (Int, Int, TextFile.FileError?) in
            var dropped = 0, unwritten = 0
            var failure: TextFile.FileError?
            for write in writes {
                do throws(TextFile.FileError) {
                    dropped += try queue.append(write, now: now)
                } catch {
                    unwritten += write.samples
                    failure = error
                }
            }
            return (dropped, unwritten, failure)
        }
        if dropped > 0 {
            count(dropped, as: .queueFull)
            logger.error("the remote-write queue is full; its oldest samples were dropped", [
                "dropped_samples": String(dropped), "queue_limit_samples": String(queue.limitSamples), "url": sender.url,
            ])
        }
        if let failure {
            count(unwritten, as: .unwritable)
            logger.error("cannot queue samples for remote write; they are dropped", ["error": failure.description, "samples": String(unwritten)])
        }
        wake.yield()
    }

    /// Sends what is queued, then waits for more, until the task is cancelled.
    public func run() async {
        await run(until: GracefulShutdown())
    }

    /// Sends what is queued, then waits for more, until `shutdown` is requested; then sends
    /// what is still queued (the agent's last writes: the last flush) and returns once the queue
    /// is empty. Cancelled, it returns at once: what is unsent stays queued for the next start.
    public func run(until shutdown: GracefulShutdown) async {
        let wake = self.wake
        shutdown.onRequest { wake.yield() }
        var wakeup = wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            guard let segment = queue.oldest() else {
                if shutdown.isRequested { return }
                guard await wakeup.next() != nil else { return }
                continue
            }
            let body = await onIO { [queue] () -> Result<[UInt8], TextFile.FileError> in
                do throws(TextFile.FileError) { return .success(try queue.read(segment)) } catch { return .failure(error) }
            }
            switch body {
            case .success(let body):
                guard await deliver(body, samples: segment.samples) else { return }  // cancelled: the segment stays queued
            case .failure(let error):
                count(segment.samples, as: .unwritable)
                logger.error("a queued remote-write segment cannot be read; it is dropped", ["error": error.description])
            }
            let removal = await onIO { [queue] () -> TextFile.FileError? in
                do throws(TextFile.FileError) { _ = try queue.remove(segment); return nil } catch { return error }
            }
            if let removal {
                logger.warn("a sent remote-write segment's file cannot be deleted; a restart sends it again (a duplicate)", ["error": removal.description])
            }
        }
    }

    /// Delivers one request; a refused request of several series is split in two and each
    /// half delivered, so only the series the receiver will not take are dropped. Returns false
    /// when the task was cancelled first.
    private func deliver(_ body: [UInt8], samples: Int) async -> Bool {
        var split = SplitRefusal()
        let finished = await deliver(body, samples: samples, split: &split)
        if split.refusedPieces > SplitRefusal.loggedPieces {
            logger.error("the remote-write receiver refused more pieces of a split request; they are dropped", [
                "url": sender.url, "pieces_not_logged": String(split.refusedPieces - SplitRefusal.loggedPieces),
                "samples_not_logged": String(split.unloggedSamples),
            ])
        }
        return finished
    }

    /// The refusals of one request and its pieces: each piece's message is logged, up to a bound.
    private struct SplitRefusal {
        static let loggedPieces = 10
        var splitting = false
        var refusedPieces = 0
        var unloggedSamples = 0
    }

    private func deliver(_ body: [UInt8], samples: Int, split: inout SplitRefusal) async -> Bool {
        do throws(RemoteWriteSender.Failure) {
            try await sender.deliver(body: body) { problem in attemptFailed(problem, samples: samples) }
            succeeded(samples)
            return true
        } catch where error.refused {
            if let protobuf = try? Snappy.decompress(body), let series = WriteRequest.timeSeries(protobuf), series.count > 1 {
                if !split.splitting {
                    split.splitting = true
                    logger.warn("the remote-write receiver refused a request; splitting it to find the series it will not take", [
                        "url": sender.url, "error": error.description, "series": String(series.count), "samples": String(samples),
                    ])
                }
                for half in [series[..<(series.count / 2)], series[(series.count / 2)...]] {
                    let halfSamples = half.reduce(0) { $0 + (WriteRequest.sampleCount($1) ?? 0) }
                    guard await deliver(Snappy.compress(Array(half.joined())), samples: halfSamples, split: &split) else { return false }
                }
                return true
            }
            count(samples, as: .refused)
            split.refusedPieces += 1
            if split.refusedPieces <= SplitRefusal.loggedPieces {
                logger.error("the remote-write receiver refused samples; they are dropped", ["url": sender.url, "error": error.description, "samples": String(samples)])
            } else {
                split.unloggedSamples += samples
            }
            return true
        } catch {
            return false
        }
    }

    private func attemptFailed(_ problem: String, samples: Int) {
        statistics.withLock { $0.failed += UInt64(samples) }
        let now = time.monotonic()
        let log = failing.withLock { failing -> Bool in
            guard let current = failing else {
                failing = (now, now)
                return true
            }
            guard now - current.logged >= Self.failureLogInterval else { return false }
            failing = (current.since, now)
            return true
        }
        if log {
            logger.warn("remote write failed; retrying with backoff, samples stay queued", [
                "url": sender.url, "error": problem, "queued_samples": String(queue.totals.samples),
            ])
        }
    }

    private func succeeded(_ samples: Int) {
        let now = Int64(time.now())
        statistics.withLock { statistics in
            statistics.sent += UInt64(samples)
            statistics.lastSuccess = now
        }
        if let since = failing.withLock({ failing in defer { failing = nil }; return failing?.since }) {
            logger.info("the remote-write receiver takes samples again", ["url": sender.url, "failing_seconds": String(Int(time.monotonic() - since))])
        }
    }

    private func count(_ samples: Int, as reason: DropReason) {
        statistics.withLock { $0.dropped[reason, default: 0] += UInt64(samples) }
    }

    private func onIO<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        guard let io else { return work() }
        return await withCheckedContinuation { continuation in
            io.async { continuation.resume(returning: work()) }
        }
    }

    /// The self-metrics, read at each scrape.
    public func families() -> [MetricFamily] {
        let statistics = current
        let totals = queue.totals
        let now = time.now()
        var families: [MetricFamily] = [
            .single(name: "aliyun_vod_exporter_remote_write_samples_sent_total", type: .counter, help: "Samples the remote-write receiver took.",
                    value: Double(statistics.sent)),
            .single(name: "aliyun_vod_exporter_remote_write_samples_failed_total", type: .counter,
                    help: "Samples of remote-write attempts that failed and are retried (counted once per attempt).", value: Double(statistics.failed)),
            .builtIn(name: "aliyun_vod_exporter_remote_write_samples_dropped_total", type: .counter,
                     help: "Samples given up: refused by the receiver (4xx), dropped from a full queue, or not writable to the queue's folder.",
                     series: DropReason.allCases.map { Series(["reason": $0.rawValue], Double(statistics.dropped[$0] ?? 0)) }),
            .single(name: "aliyun_vod_exporter_remote_write_queue_samples", type: .gauge, help: "Samples queued on disk that the receiver has not yet taken.",
                    value: Double(totals.samples)),
            .single(name: "aliyun_vod_exporter_remote_write_queue_limit_samples", type: .gauge, help: "--remote-write.queue-limit: the most samples queued.",
                    value: Double(queue.limitSamples)),
            .single(name: "aliyun_vod_exporter_remote_write_oldest_unsent_age_seconds", type: .gauge, unit: "seconds",
                    help: "How long the oldest queued request has waited for the receiver (0 when the queue is empty).",
                    value: totals.oldestQueuedAt.map { max(0, now - Double($0)) } ?? 0),
        ]
        if let lastSuccess = statistics.lastSuccess {
            families.append(.single(name: "aliyun_vod_exporter_remote_write_last_success_timestamp_seconds", type: .gauge, unit: "seconds",
                                    help: "When the remote-write receiver last took a request.", value: Double(lastSuccess)))
        }
        return families
    }
}
