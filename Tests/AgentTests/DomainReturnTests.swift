import Agent
import Exposition
import Foundation
import Synchronization
import Testing

/// A domain that leaves the list and returns keeps its counters: never counted twice, never
/// reset, and after the gap is filled it equals an agent that never lost it.
@Suite struct DomainReturnTests {
    static let domains = ["a.example.com", "b.example.com", "c.example.com"]

    static func traffic(_ families: [String: MetricFamily], _ domain: String) -> Double? {
        families["aliyun_vod_traffic_bytes_total"]?.value(["domain": domain, "area": "domestic"])
    }

    /// Runs `cycles` five-minute cycles of both agents; `subjectDomains` is what the subject's
    /// discovery finds in each. Checks that no counter of the subject ever goes down.
    static func run(cycles: Int, api: FakeVODAPI, control: EngineHarness, subject: EngineHarness,
                    subjectDomains: (Int) -> [String], previous: inout [String: Double]) async throws -> ([String: MetricFamily], [String: MetricFamily]) {
        var last: ([String: MetricFamily], [String: MetricFamily]) = ([:], [:])
        for cycle in 0..<cycles {
            api.advance(300)
            api.settings.withLock { $0.domains = subjectDomains(cycle) }
            last.1 = try await subject.cycle()
            last.0 = try await control.cycle()
            for domain in domains {
                guard let value = traffic(last.1, domain) else { continue }
                #expect(value >= previous[domain] ?? 0, "\(domain)'s counter went down at cycle \(cycle)")
                previous[domain] = value
            }
        }
        return last
    }

    @Test(arguments: [1, 12])
    func aDomainAwayForSomeCyclesContinuesAndEndsExact(awayCycles: Int) async throws {
        let api = FakeVODAPI()
        api.settings.withLock { $0.domains = Self.domains }
        // The control is told the list and never loses b; the subject discovers it.
        let control = try EngineHarness(source: .list(Self.domains), collectors: [.traffic], maxBackfill: 7200, api: api)
        let subject = try EngineHarness(collectors: [.traffic], maxBackfill: 7200, api: api)
        var previous: [String: Double] = [:]
        _ = try await Self.run(cycles: 4, api: api, control: control, subject: subject, subjectDomains: { _ in Self.domains }, previous: &previous)
        let before = try #require(previous["b.example.com"])
        let away = try await Self.run(cycles: awayCycles, api: api, control: control, subject: subject,
                                      subjectDomains: { _ in ["a.example.com", "c.example.com"] }, previous: &previous)
        #expect(Self.traffic(away.1, "b.example.com") == nil, "its series leave /metrics while it is away")
        #expect(subject.logs.all.contains { $0.message.contains("domains left the selection") })
        let back = try await Self.run(cycles: 3, api: api, control: control, subject: subject, subjectDomains: { _ in Self.domains }, previous: &previous)
        #expect(subject.logs.all.contains { $0.message.contains("domains returned to the selection") })
        let returned = try #require(Self.traffic(back.1, "b.example.com"))
        #expect(returned > before)
        for domain in Self.domains {
            #expect(Self.traffic(back.1, domain) == Self.traffic(back.0, domain), "\(domain): exactly what an agent that never lost it counted")
        }
        #expect(back.1["aliyun_vod_exporter_missed_buckets_total"]?.value() == 0)
    }

    @Test func aDomainsFileEmptiedForAMomentCountsNothingTwice() async throws {
        let api = FakeVODAPI()
        let content = Mutex(Self.domains.joined(separator: "\n"))
        let control = try EngineHarness(source: .list(Self.domains), collectors: [.traffic], api: api)
        let subject = try EngineHarness(source: .file("/domains"), files: { _ in content.withLock { $0 } }, collectors: [.traffic], api: api)
        #expect(await subject.engine.reloadDomainsFile() == nil)
        var previous: [String: Double] = [:]
        _ = try await Self.run(cycles: 4, api: api, control: control, subject: subject, subjectDomains: { _ in Self.domains }, previous: &previous)
        content.withLock { $0 = "# being rewritten\n" }
        #expect(await subject.engine.reloadDomainsFile() == nil)
        #expect(subject.logs.all.contains { $0.level == .warn && $0.message.contains("the domains file is now empty") })
        content.withLock { $0 = Self.domains.joined(separator: "\n") }
        #expect(await subject.engine.reloadDomainsFile() == nil)
        let after = try await Self.run(cycles: 2, api: api, control: control, subject: subject, subjectDomains: { _ in Self.domains }, previous: &previous)
        for domain in Self.domains {
            #expect(Self.traffic(after.1, domain) == Self.traffic(after.0, domain), "\(domain)")
        }
    }

    @Test func aDepartedDomainIsKeptAcrossARestartAndForgottenAfterMaxBackfill() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("departed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let api = FakeVODAPI()
        let control = try EngineHarness(source: .list(Self.domains), collectors: [.traffic], maxBackfill: 7200, api: api)
        let first = try EngineHarness(collectors: [.traffic], maxBackfill: 7200, api: api, stateFile: StateFile(path: folder + "/state.json"))
        try await first.service.prepare()
        var previous: [String: Double] = [:]
        _ = try await Self.run(cycles: 4, api: api, control: control, subject: first, subjectDomains: { _ in Self.domains }, previous: &previous)
        _ = try await Self.run(cycles: 1, api: api, control: control, subject: first, subjectDomains: { _ in ["a.example.com", "c.example.com"] }, previous: &previous)
        await first.service.saveState()
        let saved = try String(contentsOfFile: folder + "/state.json", encoding: .utf8)
        #expect(saved.contains("\"b.example.com\"") && saved.contains("\"departed\""))

        // A restart while b is away, then b returns: its counter continues from the file.
        let second = try EngineHarness(collectors: [.traffic], maxBackfill: 7200, api: api, stateFile: StateFile(path: folder + "/state.json"))
        try await second.service.prepare()
        let back = try await Self.run(cycles: 3, api: api, control: control, subject: second, subjectDomains: { _ in Self.domains }, previous: &previous)
        #expect(Self.traffic(back.1, "b.example.com") == Self.traffic(back.0, "b.example.com"))

        // Away longer than --data.max-backfill (2 h; it leaves at the first of these cycles): forgotten, not saved any more.
        _ = try await Self.run(cycles: 26, api: api, control: control, subject: second, subjectDomains: { _ in ["a.example.com", "c.example.com"] }, previous: &previous)
        #expect(await second.engine.exportRecords()["b.example.com"] == nil)
        await second.service.saveState()
        #expect(try !String(contentsOfFile: folder + "/state.json", encoding: .utf8).contains("\"b.example.com\""))
    }
}
