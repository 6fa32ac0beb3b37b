import Primitives
import Synchronization

/// The requests a receiver has not yet taken, one file each (a *segment*) in a folder of their
/// own: written durably before the state that says their samples were made, removed once the
/// receiver has taken them, so they survive restarts and `kill -9`. Oldest first; bounded by a
/// number of samples (when full, the oldest segments go first: a receiver that has been away
/// that long needs the recent data most).
///
/// Its methods block on the disk: call them from a Dispatch queue, never from the Swift
/// concurrency pool.
public final class SegmentQueue: Sendable {
    /// One queued request.
    public struct Segment: Sendable, Equatable {
        /// Order of writing; the file name starts with it.
        public let sequence: UInt64
        public let samples: Int
        /// Seconds since the epoch when it was queued.
        public let queuedAt: Int64

        /// `<sequence, 20 digits>-<samples>-<queued at>.rw`: the sort order of names is the
        /// queue's, and taking stock after a restart needs no file opened.
        var fileName: String {
            let digits = String(sequence)
            return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "-\(samples)-\(queuedAt)\(SegmentQueue.suffix)"
        }

        /// The segment a file name describes; nil for any other file.
        static func parse(_ name: String) -> Segment? {
            guard name.hasSuffix(SegmentQueue.suffix) else { return nil }
            let parts = name.dropLast(SegmentQueue.suffix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 20, let sequence = UInt64(parts[0]), let samples = Int(parts[1]), samples > 0,
                  let queuedAt = Int64(parts[2]) else { return nil }
            return Segment(sequence: sequence, samples: samples, queuedAt: queuedAt)
        }
    }

    /// What the queue holds.
    public struct Totals: Sendable, Equatable {
        public var segments = 0
        public var samples = 0
        /// When the oldest segment was queued; nil when the queue is empty.
        public var oldestQueuedAt: Int64?

        public init(segments: Int = 0, samples: Int = 0, oldestQueuedAt: Int64? = nil) {
            self.segments = segments
            self.samples = samples
            self.oldestQueuedAt = oldestQueuedAt
        }
    }

    static let suffix = ".rw"

    public let directory: String
    /// The most samples kept.
    public let limitSamples: Int
    /// Files in the folder that are not segments (left alone; the caller says so).
    public let foreignFiles: [String]
    private let state: Mutex<(segments: [Segment], next: UInt64)>

    /// Opens the folder, creating it, and takes stock of the segments an earlier run left
    /// (temporary files of an interrupted write are removed).
    /// - Throws: ``TextFile/FileError`` when the folder cannot be made or read.
    public init(directory: String, limitSamples: Int) throws(TextFile.FileError) {
        precondition(limitSamples >= WriteRequest.maxSamples, "the queue holds at least one full request")
        try Directory.create(directory)
        var segments: [Segment] = []
        var foreign: [String] = []
        for name in try Directory.entries(directory) {
            if let segment = Segment.parse(name) {
                segments.append(segment)
            } else if DurableFile.isLeftover(name) {
                try? FileSystem.remove(FileSystem.join(directory, name))
            } else {
                foreign.append(name)
            }
        }
        segments.sort { $0.sequence < $1.sequence }
        self.directory = directory
        self.limitSamples = limitSamples
        foreignFiles = foreign
        state = Mutex((segments, (segments.last?.sequence ?? 0) + 1))
    }

    /// What the queue holds now.
    public var totals: Totals {
        state.withLock { state in
            Totals(segments: state.segments.count, samples: state.segments.reduce(0) { $0 + $1.samples }, oldestQueuedAt: state.segments.first?.queuedAt)
        }
    }

    /// The segment to send next.
    public func oldest() -> Segment? {
        state.withLock { $0.segments.first }
    }

    /// Queues `write` durably as a segment, then drops the oldest segments while the queue holds
    /// more than ``limitSamples``.
    /// - Returns: the samples dropped to stay within the limit.
    /// - Throws: ``TextFile/FileError`` when the segment cannot be written (nothing is queued then).
    public func append(_ write: EncodedWrite, now: Int64) throws(TextFile.FileError) -> Int {
        guard write.samples > 0 else { return 0 }
        let segment = state.withLock { state in
            defer { state.next += 1 }
            return Segment(sequence: state.next, samples: write.samples, queuedAt: now)
        }
        try DurableFile.write(write.body, to: path(of: segment))
        let dropped = state.withLock { state -> [Segment] in
            state.segments.append(segment)
            var total = state.segments.reduce(0) { $0 + $1.samples }
            var dropped: [Segment] = []
            while total > limitSamples, state.segments.count > 1 {
                let oldest = state.segments.removeFirst()
                total -= oldest.samples
                dropped.append(oldest)
            }
            return dropped
        }
        for segment in dropped { try? FileSystem.remove(path(of: segment)) }
        if !dropped.isEmpty { DurableFile.syncFolder(of: path(of: dropped[0])) }
        return dropped.reduce(0) { $0 + $1.samples }
    }

    /// The request body of `segment`.
    public func read(_ segment: Segment) throws(TextFile.FileError) -> [UInt8] {
        try TextFile.readBytes(path(of: segment), maxBytes: 64 << 20)
    }

    /// Takes `segment` out of the queue and removes its file.
    /// - Returns: whether it was still queued (the limit may have dropped it meanwhile).
    /// - Throws: when its file could not be deleted: it is out of the queue now, but a restart
    ///   finds and sends it again (a duplicate the receiver takes).
    @discardableResult
    public func remove(_ segment: Segment) throws(TextFile.FileError) -> Bool {
        let queued = state.withLock { state in
            guard let index = state.segments.firstIndex(of: segment) else { return false }
            state.segments.remove(at: index)
            return true
        }
        try FileSystem.remove(path(of: segment))
        DurableFile.syncFolder(of: path(of: segment))
        return queued
    }

    private func path(of segment: Segment) -> String {
        FileSystem.join(directory, segment.fileName)
    }
}
