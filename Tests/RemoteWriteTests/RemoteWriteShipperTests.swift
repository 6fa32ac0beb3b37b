import Exposition
import Foundation
import Logging
import RemoteWrite
import Synchronization
import Testing
import TestSupport

/// The shipper in virtual time against a recording receiver: an outage loses nothing, a refused
/// series costs only itself, a stop leaves the queue for the next process.
@Suite struct RemoteWriteShipperTests {
    final class Logs: LogSink {
        private let records = Mutex<[LogRecord]>([])
        func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
        var all: [LogRecord] { records.withLock { $0 } }
    }

    struct Setup {
        let time = VirtualTime(epoch: 1_764_000_000)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shipper-\(UUID().uuidString)").path
        let logs = Logs()
        let receiver: RecordingReceiver
        let shipper: RemoteWriteShipper

        init(receiver: RecordingReceiver = RecordingReceiver()) throws {
            self.receiver = receiver
            let time = self.time
            let sender = RemoteWriteSender(url: "http://receiver.test/api/v1/write", headers: { [] }, transport: receiver, timeout: 5,
                                           maxAttempts: .max, pause: { try? await time.sleep(seconds: $0) })
            shipper = RemoteWriteShipper(queue: try SegmentQueue(directory: folder, limitSamples: 1_000_000), sender: sender, time: time,
                                         logger: Logger(level: .info, sink: logs, clock: { time.now() }), fileWork: .inline)
        }

        /// Runs the shipper during `scenario`, then stops it.
        func run(_ scenario: @escaping @Sendable () async -> Void) async {
            let shipper = self.shipper
            await time.run {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await shipper.run() }
                    await scenario()
                    group.cancelAll()
                }
            }
        }

        /// Sleeps in virtual time until the queue is empty.
        func drain() async {
            while shipper.queue.totals.samples > 0 { try? await time.sleep(seconds: 1) }
        }
    }

    static func series(_ count: Int, name: String = "m") -> [RemoteWriteSeries] {
        (0..<count).map { index -> RemoteWriteSeries in
            let samples = (0...index).map { step -> RemoteWriteSeries.Sample in
                RemoteWriteSeries.Sample(value: Double(index * 100 + step), timestampMilliseconds: Int64(step) * 300_000)
            }
            return RemoteWriteSeries(labels: ["__name__": name, "i": String(index)], samples: samples)
        }
    }

    static func value(_ families: [MetricFamily], _ name: String, _ labels: Labels = .none) -> Double? {
        guard let series = families.first(where: { $0.name == name })?.series.first(where: { $0.labels == labels }),
              case .number(let value) = series.value else { return nil }
        return value
    }

    @Test func anOutageOfTenMinutesLosesAndRepeatsNothing() async throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(atPath: setup.folder) }
        setup.receiver.down = true
        let writes = EncodedWrite.requests(Self.series(4)) + EncodedWrite.requests(Self.series(3, name: "n"))
        let (shipper, time, receiver) = (setup.shipper, setup.time, setup.receiver)
        await setup.run {
            await shipper.enqueue(writes)
            try? await time.sleep(seconds: 600)
            #expect(shipper.queue.totals.samples == 16, "all still queued during the outage")
            #expect(Self.value(shipper.families(), "aliyun_vod_exporter_remote_write_oldest_unsent_age_seconds") == 600)
            receiver.down = false
            await setup.drain()
        }
        // Every sample once, in the order queued.
        let expected = try writes.flatMap { try WriteRequestDecoder.samples(body: $0.body) }
        #expect(receiver.samples == expected)
        let families = shipper.families()
        #expect(Self.value(families, "aliyun_vod_exporter_remote_write_samples_sent_total") == 16)
        #expect((Self.value(families, "aliyun_vod_exporter_remote_write_samples_failed_total") ?? 0) >= 10 * 10, "the first request failed at every retry")
        #expect(Self.value(families, "aliyun_vod_exporter_remote_write_samples_dropped_total", ["reason": "refused"]) == 0)
        #expect(Self.value(families, "aliyun_vod_exporter_remote_write_queue_samples") == 0)
        #expect(Self.value(families, "aliyun_vod_exporter_remote_write_oldest_unsent_age_seconds") == 0)
        // The outage is logged when it starts, then at most every 5 minutes, and its end once.
        let warnings = setup.logs.all.filter { $0.level == .warn }
        #expect((1...3).contains(warnings.count) && warnings.first?.metadata["error"]?.contains("503") == true)
        #expect(setup.logs.all.filter { $0.message.contains("takes samples again") }.count == 1)
    }

    @Test func aRefusedSeriesIsFoundAndOnlyItIsDropped() async throws {
        let receiver = RecordingReceiver(refuses: { $0.labels["i"] == "3" })
        let setup = try Setup(receiver: receiver)
        defer { try? FileManager.default.removeItem(atPath: setup.folder) }
        let shipper = setup.shipper
        await setup.run {
            await shipper.enqueue(EncodedWrite.requests(Self.series(6)))
            await setup.drain()
        }
        #expect(Set(receiver.samples.map { $0.labels["i"]! }) == ["0", "1", "2", "4", "5"])
        #expect(receiver.samples.count == 21 - 4)
        #expect(Self.value(shipper.families(), "aliyun_vod_exporter_remote_write_samples_dropped_total", ["reason": "refused"]) == 4)
        #expect(setup.logs.all.contains { $0.level == .error && $0.metadata["error"]?.contains("out of bounds") == true })
        #expect(setup.logs.all.filter { $0.message.hasPrefix("the remote-write receiver refused a request; splitting") }.count == 1)
    }

    /// Every series refused: each refused piece logs the receiver's message, up to 10 per
    /// request, and one line counts the rest.
    @Test func refusedPiecesAreLoggedWithABound() async throws {
        let receiver = RecordingReceiver(refuses: { _ in true })
        let setup = try Setup(receiver: receiver)
        defer { try? FileManager.default.removeItem(atPath: setup.folder) }
        let shipper = setup.shipper
        await setup.run {
            await shipper.enqueue(EncodedWrite.requests(Self.series(30)))
            await setup.drain()
        }
        let refusals = setup.logs.all.filter { $0.message == "the remote-write receiver refused samples; they are dropped" }
        #expect(refusals.count == 10 && refusals.allSatisfy { $0.metadata["error"]?.contains("out of bounds") == true })
        let rest = try #require(setup.logs.all.first { $0.message.hasPrefix("the remote-write receiver refused more pieces") })
        #expect(rest.metadata["pieces_not_logged"] == "20")
        #expect(receiver.samples.isEmpty && rest.metadata["samples_not_logged"] == String((11...30).reduce(0, +)), "series 10-29 (11-30 samples each)")
        #expect(Self.value(shipper.families(), "aliyun_vod_exporter_remote_write_samples_dropped_total", ["reason": "refused"]) == 465, "1 + 2 + … + 30 samples")
    }

    @Test func aStopLeavesTheQueueForTheNextProcess() async throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(atPath: setup.folder) }
        setup.receiver.down = true
        let (shipper, time) = (setup.shipper, setup.time)
        await setup.run {
            await shipper.enqueue(EncodedWrite.requests(Self.series(2)))
            try? await time.sleep(seconds: 30)
        }
        let next = try SegmentQueue(directory: setup.folder, limitSamples: 1_000_000)
        #expect(next.totals.samples == 3)
    }
}
