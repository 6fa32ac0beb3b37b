import Agent
import Exposition
import Foundation
import Testing

@Suite struct StateFileTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).json").path
    }

    private func sampleState() -> AgentState {
        var record = DomainRecord()
        let series = FakeVODAPISeries.series(domain: "a.example.com", from: 0, count: 6)
        _ = record.ingest(series.slots.map { ($0.timestamp, [Area.domestic: $0.domesticValue!, .overseas: $0.overseasValue!]) }, into: .traffic,
                          window: 0..<1800, interval: 300, now: 3600, rules: SettlementRules(settleDelay: 900, horizon: 3900))
        return AgentState(savedAt: 3600, endpoint: "https://vod.cn-shanghai.aliyuncs.com", shard: "0/1", domains: ["a.example.com": record])
    }

    @Test func roundTrip() throws {
        let file = StateFile(path: temporaryPath())
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        #expect(file.load(endpoint: "x", shard: "0/1", now: 0) == .missing)
        let state = sampleState()
        try file.save(state)
        #expect(file.load(endpoint: state.endpoint, shard: "0/1", now: 4000) == .loaded(state))
        // No temporary file is left behind.
        let folder = (file.path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains((file.path as NSString).lastPathComponent + ".tmp") }.isEmpty)
    }

    @Test(arguments: [
        ("{not json", "corrupt"),
        (#"{"format":"something-else","version":1,"savedAt":1,"endpoint":"e","shard":"0/1","domains":{}}"#, "not a vodcdn-exporter state file"),
        (#"{"format":"vodcdn-exporter-state","version":9,"savedAt":1,"endpoint":"e","shard":"0/1","domains":{}}"#, "version 9"),
        (#"{"format":"vodcdn-exporter-state","version":1,"savedAt":1,"endpoint":"other","shard":"0/1","domains":{}}"#, "written for endpoint other"),
        (#"{"format":"vodcdn-exporter-state","version":1,"savedAt":1,"endpoint":"e","shard":"1/2","domains":{}}"#, "written for shard 1/2"),
        (#"{"format":"vodcdn-exporter-state","version":1,"savedAt":99999999999,"endpoint":"e","shard":"0/1","domains":{}}"#, "in the future"),
        (#"{"format":"vodcdn-exporter-state","version":1,"savedAt":1,"endpoint":"e","shard":"0/1","domains":{"a":{"counters":{"traffic":{"domestic":{"total":-5,"counted":[],"upwardRevisions":0,"downwardRevisions":0}}},"gauges":{}}}}"#, "inconsistent ledger"),
    ])
    func unusableFilesAreSetAside(content: String, reason: String) throws {
        let path = temporaryPath()
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        let result = StateFile(path: path).load(endpoint: "e", shard: "0/1", now: 1_000_000)
        guard case .rejected(let found, let aside?) = result else {
            Issue.record("not rejected: \(result)")
            return
        }
        defer { try? FileManager.default.removeItem(atPath: aside) }
        #expect(found.contains(reason), "\(found)")
        #expect(!FileManager.default.fileExists(atPath: path) && FileManager.default.fileExists(atPath: aside))
    }

    /// Collectors hand their data to the engine when it arrives: a save while a run waits on a
    /// slow call (a stop that interrupts it) writes every domain's last good records.
    @Test func recordsAreExportedWhileARunIsInProgress() async throws {
        let harness = try EngineHarness()
        _ = try await harness.cycle()
        let before = await harness.engine.exportRecords()
        #expect(before.keys.sorted() == ["a.example.com", "b.example.com", "c.example.com"])

        harness.api.settings.withLock { $0.held = ["DescribeVodDomainTrafficData"] }
        let callsBefore = harness.api.calls.count
        let cycle = Task { await harness.service.runEveryCollectorOnce() }
        // The run has reached the held call.
        await harness.api.waitForCall("DescribeVodDomainTrafficData", after: callsBefore)
        let during = await harness.engine.exportRecords()
        #expect(during == before)
        harness.api.settings.withLock { $0.held = [] }
        await cycle.value
    }

    /// The file format is a contract with files written by earlier versions: a record written
    /// by version 1 reads back to the same values and is written again byte for byte.
    @Test func recordFormatIsStable() throws {
        let saved = #"{"counters":{"httpsTraffic":{"overseas":{"counted":[3000,2],"cursor":3000,"downwardRevisions":0,"#
            + #""total":2,"upwardRevisions":0}},"traffic":{"domestic":{"counted":[2700,5,3000,7],"cursor":3000,"downwardRevisions":1,"#
            + #""total":40,"upwardRevisions":2},"overseas":{"counted":[],"cursor":2400,"downwardRevisions":0,"total":3,"upwardRevisions":0}}},"#
            + #""gauges":{"bandwidth":{"domestic":{"bucketStart":3000,"value":125},"overseas":{"bucketStart":3000,"value":25}},"#
            + #""byteHitRatio":{"unknown":{"bucketStart":2700,"value":0.5}}}}"#
        let record = try JSONDecoder().decode(DomainRecord.self, from: Data(saved.utf8))
        #expect(record.cursor(of: [.traffic]) == 2400 && record.cursor(of: [.traffic, .httpsTraffic]) == 2400)
        #expect(record.cursor(of: [.requests]) == nil)
        #expect(record.newestBucket(of: CounterKind.traffic) == 3000 && record.newestBucket(of: GaugeKind.byteHitRatio) == 2700)
        let totals = record.counterEntries.map { "\($0.kind.rawValue)/\($0.area.rawValue)=\($0.ledger.total)" }
        #expect(totals == ["traffic/domestic=40.0", "traffic/overseas=3.0", "httpsTraffic/overseas=2.0"])
        let gauges = record.gaugeEntries.map { "\($0.kind.rawValue)/\($0.area.rawValue)=\($0.reading.value)" }
        #expect(gauges == ["bandwidth/domestic=125.0", "bandwidth/overseas=25.0", "byteHitRatio/unknown=0.5"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(record), as: UTF8.self) == saved)
    }

    /// Whatever order kinds and areas first arrive in, a record keeps them in one order: equal
    /// records compare equal and save the same bytes.
    @Test func recordOrderDoesNotDependOnArrival() throws {
        let rules = SettlementRules(settleDelay: 900, horizon: 3900)
        func record(_ arrivals: [(CounterKind, [Area: Double])], gauges: [GaugeKind]) -> DomainRecord {
            var record = DomainRecord()
            for (kind, values) in arrivals {
                _ = record.ingest([(timestamp: 0, values: values)], into: kind, window: 0..<300, interval: 300, now: 3600, rules: rules)
            }
            for kind in gauges { record.update(kind, slots: [(timestamp: 0, values: [.overseas: 2, .domestic: 1])], interval: 300, now: 3600, rules: rules) }
            return record
        }
        let both: [Area: Double] = [.domestic: 10, .overseas: 10]
        let forward = record([(.traffic, both), (.traffic, both), (.httpsTraffic, [.domestic: 10])], gauges: [.bandwidth, .httpsBandwidth])
        // HTTPS first, and the overseas ledger made before the domestic one.
        let backward = record([(.httpsTraffic, [.domestic: 10]), (.traffic, [.overseas: 10]), (.traffic, both)], gauges: [.httpsBandwidth, .bandwidth])
        #expect(forward == backward)
        #expect(backward.counterEntries.map { "\($0.kind.rawValue)/\($0.area.rawValue)" } == ["traffic/domestic", "traffic/overseas", "httpsTraffic/domestic"])
        #expect(backward.gaugeEntries.map { "\($0.kind.rawValue)/\($0.area.rawValue)" }
            == ["bandwidth/domestic", "bandwidth/overseas", "httpsBandwidth/domestic", "httpsBandwidth/overseas"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(forward) == encoder.encode(backward))
    }

    @Test func unwritableFolderIsAnErrorNotACrash() {
        #expect(throws: StateFile.WriteError.self) { try StateFile(path: "/nonexistent-folder/state.json").save(sampleState()) }
    }

    /// Restart with state: the counter continues and the gap is backfilled, as if there had been
    /// no restart at all.
    @Test func restartWithStateBackfillsTheGap() async throws {
        let label: Labels = ["domain": "a.example.com", "area": "domestic"]
        let continuous = try EngineHarness(source: .list(["a.example.com"]), maxBackfill: 86_400)
        let restarted = try EngineHarness(source: .list(["a.example.com"]), maxBackfill: 86_400)
        _ = try await continuous.cycle()
        _ = try await restarted.cycle()
        let file = StateFile(path: temporaryPath())
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        try file.save(AgentState(savedAt: restarted.api.now, endpoint: "e", shard: "0/1", domains: await restarted.engine.exportRecords()))

        // Three hours pass; the continuous engine polls throughout, the other is down.
        for _ in 0..<36 {
            continuous.api.advance(300)
            _ = try await continuous.cycle()
        }
        let fresh = try EngineHarness(source: .list(["a.example.com"]), maxBackfill: 86_400)
        fresh.api.advance(36 * 300)
        guard case .loaded(let state) = file.load(endpoint: "e", shard: "0/1", now: fresh.api.now) else {
            Issue.record("state not loaded")
            return
        }
        await fresh.engine.importRecords(state.domains)
        let afterRestart = try await fresh.cycle()
        let expected = try await continuous.families()["aliyun_vod_traffic_bytes_total"]?.value(label)
        #expect(afterRestart["aliyun_vod_traffic_bytes_total"]?.value(label) == expected)
        #expect(afterRestart["aliyun_vod_exporter_missed_buckets_total"]?.value() == 0)
    }
}
