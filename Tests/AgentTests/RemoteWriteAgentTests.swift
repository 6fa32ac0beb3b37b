import Agent
import Foundation
import Lifecycle
import Logging
import RemoteWrite
import Testing
import TestSupport
import VODAPI

/// The agent with remote write, cycle by cycle on the fake API's clock, against a recording
/// receiver: every settled bucket arrives with its value and its own time through a receiver
/// outage and a crash; a resend after the crash is an identical duplicate, never a gap.
@Suite struct RemoteWriteAgentTests {
    static let domains = ["a.example.com", "b.example.com", "c.example.com"]

    /// One agent process: its harness (engine, service) and shipper, on the files in `folder`.
    struct Process {
        let harness: EngineHarness
        let shipper: RemoteWriteShipper
        let sending: Task<Void, Never>
        /// The shipper's graceful shutdown, as the process's stop requests it.
        let stopping = GracefulShutdown()

        init(api: FakeVODAPI, folder: String, receiver: RecordingReceiver) async throws {
            let statePath = folder + "/state.json"
            let sender = RemoteWriteSender(url: "http://receiver.test/api/v1/write", headers: { [] }, transport: receiver, timeout: 5,
                                           maxAttempts: .max, pause: { _ in try? await Task.sleep(nanoseconds: 2_000_000) })
            let shipper = RemoteWriteShipper(queue: try SegmentQueue(directory: statePath + ".remote-write", limitSamples: 1_000_000), sender: sender,
                                             time: FakeAPITime(api: api), logger: .disabled)
            harness = try EngineHarness(source: .list(RemoteWriteAgentTests.domains), collectors: [.traffic, .bandwidth], api: api,
                                        stateFile: StateFile(path: statePath), remoteWrite: shipper)
            try await harness.service.prepare()
            self.shipper = shipper
            sending = Task { [stopping] in await shipper.run(until: stopping) }
        }

        /// Five minutes later, one run of each collector.
        func cycle(_ api: FakeVODAPI) async throws {
            api.advance(300)
            _ = try await harness.cycle()
        }

        /// Waits until the receiver has taken everything queued (while the shipper keeps running).
        func drain() async {
            let drained = await waitUntil(timeout: 60, every: 0.005) { shipper.queue.totals.samples == 0 }
            #expect(drained, "the queue drains once the receiver is back")
        }

        /// Stops as the process does: the shipper's last flush, which returns once the receiver
        /// has everything queued.
        func stop() async {
            stopping.request()
            await sending.value
            #expect(shipper.queue.totals.samples == 0, "the queue drains once the receiver is back")
        }
    }

    /// What FakeVODAPI answers for `domain`'s bucket, as the series carry it (bytes; bytes/s).
    static func expected(_ name: String, domain: String, area: String, bucket: Int64) -> Double {
        let bytes = FakeVODAPI.traffic(domain, bucket)
        let value = name == TimestampedFamily.traffic.rawValue ? bytes : bytes * 8 / 300
        let domestic = (value * 0.75).rounded()
        let part = area == "domestic" ? domestic : value - domestic
        return name == TimestampedFamily.traffic.rawValue ? part : part / 8
    }

    @Test func anOutageAndACrashLoseNothingAndRepeatOnlyIdenticalSamples() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rw-agent-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let api = FakeVODAPI()
        let started = api.now
        let receiver = RecordingReceiver()

        // The first process: three cycles, then the receiver is away for ten minutes (two cycles).
        let first = try await Process(api: api, folder: folder, receiver: receiver)
        _ = try await first.harness.cycle()
        try await first.cycle(api)
        try await first.cycle(api)
        await first.drain()
        receiver.down = true
        // The state as saved now: a crash later leaves the queue ahead of it (the queue is
        // written before each state save, so this is the worst a kill -9 can leave).
        let olderState = try Data(contentsOf: URL(fileURLWithPath: folder + "/state.json"))
        try await first.cycle(api)
        try await first.cycle(api)
        #expect(first.shipper.queue.totals.samples > 0, "queued while the receiver is away")
        first.sending.cancel()
        _ = await first.sending.value
        try olderState.write(to: URL(fileURLWithPath: folder + "/state.json"))  // kill -9: the last save never happened

        // The second process: the receiver is back; two more cycles.
        receiver.down = false
        let second = try await Process(api: api, folder: folder, receiver: receiver)
        try await second.cycle(api)
        try await second.cycle(api)
        await second.stop()

        // Every settled bucket from the first lookback to the last cycle, per domain, family and
        // area, with the API's value at the bucket's own time.
        let firstBucket = (started / 300 * 300) - 3600
        let lastSettled = (api.now - 900) / 300 * 300 - 300
        let buckets = Array(stride(from: firstBucket, through: lastSettled, by: 300))
        var seen: [String: [Int64: [Double]]] = [:]
        for sample in receiver.samples {
            let key = [sample.labels["__name__"]!, sample.labels["domain"]!, sample.labels["area"]!].joined(separator: " ")
            seen[key, default: [:]][sample.timestampMilliseconds / 1000, default: []].append(sample.value)
        }
        #expect(seen.count == 3 * 2 * 2, "traffic and peak bandwidth, domestic and overseas, for each domain")
        var duplicates = 0
        for (key, values) in seen {
            let parts = key.split(separator: " ").map(String.init)
            #expect(values.keys.sorted() == buckets, "\(key): every bucket, no gap")
            for (bucket, received) in values {
                let want = Self.expected(parts[0], domain: parts[1], area: parts[2], bucket: bucket)
                #expect(received.allSatisfy { $0 == want }, "\(key) at \(bucket): \(received) instead of \(want)")
                duplicates += received.count - 1
            }
        }
        #expect(duplicates > 0, "the crash made the second process queue again what the first had queued")
        #expect(duplicates <= 3 * 2 * 2 * 2, "at most the two cycles the lost state save covered")
        #expect(second.shipper.current.dropped.values.reduce(0, +) == 0)
    }
}
