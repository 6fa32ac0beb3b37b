@testable import Agent
import Foundation
import RemoteWrite
import Synchronization
import Testing
import TestSupport

/// The state file never holds a send cursor ahead of the remote-write queue, whatever a kill
/// interrupts: the records and the writes they account for are taken from the engine together,
/// the writes queued first, and what other collectors apply meanwhile waits for the next save.
@Suite struct PersistenceOrderTests {
    /// Queues through the real shipper; the first time it is armed, it first runs `interruption`
    /// (a kill's view of the disk, another collector's answer) before the queue is written.
    final class InterruptingSink: RemoteWriteSink {
        let shipper: RemoteWriteShipper
        private let interruption = Mutex<(@Sendable () async -> Void)?>(nil)

        init(_ shipper: RemoteWriteShipper) { self.shipper = shipper }

        func arm(_ work: @escaping @Sendable () async -> Void) { interruption.withLock { $0 = work } }

        func enqueue(_ writes: [EncodedWrite]) async {
            if let work = interruption.withLock({ state -> (@Sendable () async -> Void)? in defer { state = nil }; return state }) {
                await work()
            }
            await shipper.enqueue(writes)
        }

    }

    /// What a kill now would leave on disk that breaks the promise: per domain and family, a saved
    /// send cursor after the newest sample of that series in the queue.
    static func cursorsAheadOfTheQueue(statePath: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: statePath) else { return [] }
        let state = try JSONDecoder().decode(AgentState.self, from: Data(contentsOf: URL(fileURLWithPath: statePath)))
        var newest: [String: Int64] = [:]
        let queue = statePath + ".remote-write"
        for name in try FileManager.default.contentsOfDirectory(atPath: queue) {
            let body = [UInt8](try Data(contentsOf: URL(fileURLWithPath: queue + "/" + name)))
            for sample in try WriteRequestDecoder.samples(body: body) {
                let key = "\(sample.labels["domain"] ?? "") \(sample.labels["__name__"] ?? "")"
                newest[key] = max(newest[key] ?? .min, sample.timestampMilliseconds / 1000)
            }
        }
        return state.domains.sorted { $0.key < $1.key }.flatMap { domain, record in
            record.sentCursors.sorted { $0.key.rawValue < $1.key.rawValue }.compactMap { family, cursor in
                let queued = newest["\(domain) \(family.rawValue)"]
                return (queued ?? .min) < cursor ? "\(domain) \(family.rawValue): cursor \(cursor), newest queued \(queued.map(String.init) ?? "none")" : nil
            }
        }
    }

    @Test func aCollectorsAnswerDuringASaveIsPersistedWithItsWritesOrNotAtAll() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("persistence-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let statePath = folder + "/state.json"
        let api = FakeVODAPI()
        let sender = RemoteWriteSender(url: "http://receiver.test/api/v1/write", headers: { [] }, transport: RecordingReceiver(), timeout: 5,
                                       maxAttempts: 1, pause: { _ in })
        let shipper = RemoteWriteShipper(queue: try SegmentQueue(directory: statePath + ".remote-write", limitSamples: 1_000_000), sender: sender,
                                         time: FakeAPITime(api: api), logger: .disabled)
        let sink = InterruptingSink(shipper)
        let harness = try EngineHarness(source: .list(["a.example.com", "b.example.com"]), collectors: [.traffic], api: api,
                                        stateFile: StateFile(path: statePath), remoteWrite: sink)
        try await harness.service.prepare()
        api.advance(300)
        _ = try await harness.cycle()
        #expect(try Self.cursorsAheadOfTheQueue(statePath: statePath).isEmpty)
        let sentBefore = await harness.engine.exportRecords()["b.example.com"]?.sentCursors[TimestampedFamily.traffic]
        #expect(sentBefore != nil)

        // The next save is interrupted as it starts to queue: a kill there must find the disk
        // consistent, and another collector's answer (two newer settled buckets of b) arrives.
        let base = (api.now + 300) / 300 * 300
        let late = NewSamplesTests.traffic([base - 600: [.domestic: 600, .overseas: 60], base - 300: [.domestic: 900, .overseas: 90]],
                                           receivedAt: base + 900)
        let atInterruption = Mutex<[String]?>(nil)
        sink.arm {
            let found = (try? Self.cursorsAheadOfTheQueue(statePath: statePath)) ?? ["unreadable"]
            atInterruption.withLock { $0 = found }
            await harness.engine.apply(late, to: "b.example.com")
        }
        api.advance(300)
        _ = try await harness.cycle()
        #expect(atInterruption.withLock { $0 } == [], "a kill as the save starts queueing")
        #expect(try Self.cursorsAheadOfTheQueue(statePath: statePath) == [], "a kill right after the save")

        // The answer that arrived mid-save is persisted by the next save, writes and cursor together.
        await harness.service.saveState()
        #expect(try Self.cursorsAheadOfTheQueue(statePath: statePath) == [])
        let saved = try JSONDecoder().decode(AgentState.self, from: Data(contentsOf: URL(fileURLWithPath: statePath)))
        #expect(saved.domains["b.example.com"]?.sentCursors[TimestampedFamily.traffic] == base - 300 && base - 300 > sentBefore ?? .max)
    }
}
