import Foundation
import RemoteWrite
import Testing

/// The on-disk queue: order, durability across reopening, the limit, leftovers.
@Suite struct SegmentQueueTests {
    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("queue-\(UUID().uuidString)").path
    }

    static func write(_ samples: Int, tag: UInt8) -> EncodedWrite {
        EncodedWrite(body: [tag, tag, tag], samples: samples)
    }

    @Test func segmentsComeBackInOrderAndSurviveReopening() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let queue = try SegmentQueue(directory: folder, limitSamples: 100_000)
        #expect(try queue.append(Self.write(10, tag: 1), now: 1000) == 0)
        #expect(try queue.append(Self.write(20, tag: 2), now: 1000) == 0)
        #expect(queue.totals == .init(segments: 2, samples: 30, oldestQueuedAt: 1000))
        let first = try #require(queue.oldest())
        #expect(try queue.read(first) == [1, 1, 1] && first.samples == 10)
        #expect(try queue.remove(first))
        #expect(try !queue.remove(first), "already gone")

        // A new process finds what is left, and numbers new segments after it.
        let reopened = try SegmentQueue(directory: folder, limitSamples: 100_000)
        #expect(reopened.totals == .init(segments: 1, samples: 20, oldestQueuedAt: 1000))
        _ = try reopened.append(Self.write(5, tag: 3), now: 2000)
        let order = [try reopened.read(try #require(reopened.oldest()))]
        #expect(order == [[2, 2, 2]])
        try reopened.remove(try #require(reopened.oldest()))
        #expect(try reopened.read(try #require(reopened.oldest())) == [3, 3, 3])
    }

    /// A segment whose file cannot be deleted leaves the queue but says so (a restart would send
    /// it again), instead of failing silently.
    @Test func aSegmentThatCannotBeDeletedIsReported() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let queue = try SegmentQueue(directory: folder, limitSamples: 100_000)
        _ = try queue.append(Self.write(10, tag: 1), now: 1000)
        let segment = try #require(queue.oldest())
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first)
        // A non-empty folder in its place: unlink refuses it.
        try FileManager.default.removeItem(atPath: folder + "/" + name)
        try FileManager.default.createDirectory(atPath: folder + "/" + name + "/x", withIntermediateDirectories: true)
        #expect(throws: (any Error).self) { try queue.remove(segment) }
        #expect(queue.oldest() == nil, "out of the queue all the same")
    }

    @Test func aFullQueueDropsItsOldestSegments() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let queue = try SegmentQueue(directory: folder, limitSamples: 25_000)
        #expect(try queue.append(Self.write(10_000, tag: 1), now: 1) == 0)
        #expect(try queue.append(Self.write(10_000, tag: 2), now: 1) == 0)
        #expect(try queue.append(Self.write(10_000, tag: 3), now: 2) == 10_000)
        #expect(queue.totals.samples == 20_000)
        #expect(try queue.read(try #require(queue.oldest())) == [2, 2, 2])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 2, "the dropped segment's file is gone")
    }

    @Test func leftoversOfAnInterruptedWriteAreRemovedAndForeignFilesReported() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["00000000000000000007-5-100.rw.tmp-4242", "notes.txt", "7-5-100.rw", "00000000000000000007-0-100.rw"] {
            _ = FileManager.default.createFile(atPath: "\(folder)/\(name)", contents: Data([1]))
        }
        _ = FileManager.default.createFile(atPath: "\(folder)/00000000000000000003-5-100.rw", contents: Data([9]))
        let queue = try SegmentQueue(directory: folder, limitSamples: 100_000)
        #expect(queue.totals == .init(segments: 1, samples: 5, oldestQueuedAt: 100))
        #expect(queue.foreignFiles == ["00000000000000000007-0-100.rw", "7-5-100.rw", "notes.txt"])
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/00000000000000000007-5-100.rw.tmp-4242"))
        _ = try queue.append(Self.write(1, tag: 4), now: 200)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).contains("00000000000000000004-1-200.rw"), "numbered after the newest found")
    }

    @Test func aFolderThatCannotBeMadeIsAnError() {
        #expect(throws: (any Error).self) { try SegmentQueue(directory: "/proc/version/queue", limitSamples: 100_000) }
    }
}
