@testable import Agent
import Logging
import Testing
@testable import VODAPI

/// The pure pieces around the schedule: the rate-budget projection, stable start offsets, and
/// what the health book logs and reports.
@Suite struct RunBudgetTests {
    @Test func callsPerRunByCollector() {
        #expect(RunBudget.callsPerRun(.traffic, domains: 1000) == 1000)
        #expect(RunBudget.callsPerRun(.origin, domains: 1000) == 2000)
        #expect(RunBudget.callsPerRun(.realtime, domains: 1000) == 50 && RunBudget.callsPerRun(.realtime, domains: 1001) == 51)
        #expect(RunBudget.callsPerRun(.tasks, domains: 1000) == 12 && RunBudget.callsPerRun(.quota, domains: 0) == 1)
        #expect(RunBudget.callsPerRun(.discovery, domains: 1000) == 20 && RunBudget.callsPerRun(.discovery, domains: 1001) == 21, "50 a page")
    }

    @Test func collectorsOnOneGridShareTheRateAndOthersTakeTheirAverage() {
        let settled = Cadence(interval: 300, offset: 20, spread: 60), realtime = Cadence(interval: 60, offset: 15, spread: 30)
        let demands = [
            RunBudget.Demand(collector: .traffic, cadence: settled, callsPerRun: 1000),
            RunBudget.Demand(collector: .bandwidth, cadence: settled, callsPerRun: 1000),
            RunBudget.Demand(collector: .realtime, cadence: realtime, callsPerRun: 50),
        ]
        let projected = RunBudget.projectedRunSeconds(demands, maxQPS: 20)
        // 2,000 calls at 20/s less realtime's 50 a minute.
        #expect(abs(projected[.traffic]! - 2000 / (20 - 50.0 / 60)) < 1e-9 && projected[.bandwidth] == projected[.traffic])
        // 50 calls at 20/s less the settled collectors' 2,000 per 5 minutes: under the spread.
        #expect(projected[.realtime] == 30)
        // Small accounts: the spread dominates.
        #expect(RunBudget.projectedRunSeconds([.init(collector: .traffic, cadence: settled, callsPerRun: 10)], maxQPS: 10)[.traffic] == 60)
        // Starved: still a finite figure, far over the interval.
        let starved = RunBudget.projectedRunSeconds([demands[0], .init(collector: .realtime, cadence: realtime, callsPerRun: 6000)], maxQPS: 10)
        #expect(starved[.traffic]!.isFinite && starved[.traffic]! > 300)
    }

    @Test func aBackgroundCollectorTakesOnlyWhatTheOthersLeave() throws {
        let settled = Cadence(interval: 300, offset: 20, spread: 60), hourly = Cadence(interval: 3600, offset: 150, spread: 900)
        let realtime = Cadence(interval: 60, offset: 15, spread: 30)
        let demands = [
            RunBudget.Demand(collector: .traffic, cadence: settled, callsPerRun: 1000),
            RunBudget.Demand(collector: .bandwidth, cadence: settled, callsPerRun: 1000),
            RunBudget.Demand(collector: .realtime, cadence: realtime, callsPerRun: 50),
            RunBudget.Demand(collector: .usage, cadence: hourly, callsPerRun: 3003, background: true),
        ]
        let projected = RunBudget.projectedRunSeconds(demands, maxQPS: 10)
        // The 5-minute runs do not count usage's calls: it waits for them.
        let traffic = try #require(projected[.traffic])
        #expect(abs(traffic - 2000 / (10 - 50.0 / 60)) < 1e-9)
        // Usage gets the rate the others leave on average: 10 - 2,000/300 - 50/60 = 2.5 calls/s.
        #expect(abs(projected[.usage]! - 3003 / 2.5) < 1e-9)
        // A small account's usage run: its spread.
        #expect(RunBudget.projectedRunSeconds([demands[0], .init(collector: .usage, cadence: hourly, callsPerRun: 33, background: true)], maxQPS: 10)[.usage] == 900)
    }

    @Test func startOffsetsAreStableAndSpreadOverTheWindow() {
        let offsets = (0..<10_000).map { PollSchedule.startOffset(for: "d\($0).example.com", spread: 60) }
        #expect(offsets.allSatisfy { $0 >= 0 && $0 < 60 })
        #expect(PollSchedule.startOffset(for: "D1.example.com", spread: 60) == offsets[1], "stable, whatever the case")
        // Roughly even: each 6-second tenth of the window holds 8-12 % of the domains.
        var tenths = [Int](repeating: 0, count: 10)
        for offset in offsets { tenths[Int(offset / 6)] += 1 }
        #expect(tenths.allSatisfy { $0 > 800 && $0 < 1200 }, "\(tenths)")
        #expect(PollSchedule.startOffset(for: "x", spread: 0) == 0)
        #expect(PollSchedule.nextPoll(after: 1_764_000_020, interval: 300, offset: 20) == 1_764_000_320)
        #expect(PollSchedule.nextPoll(after: 1_764_000_019, interval: 300, offset: 20) == 1_764_000_020)
    }
}

@Suite struct HealthBookTests {
    static func report(_ collector: AgentConfiguration.Collector = .traffic, items: Int = 10, failures: [String: Int] = [:], problem: RunProblem? = nil) -> RunReport {
        var report = RunReport(collector: collector, scheduledAt: 1000, endedAt: 1100, firstCall: 1010, lastAnswer: 1090)
        report.items = items
        report.problem = problem
        for (kind, count) in failures {
            let error = VODClientError.api(action: "DescribeVodDomainTrafficData", APIError(status: 503, code: String(kind.split(separator: ":").last!), message: "m", requestId: "r"))
            report.recordFailure(kind, item: "a.example.com", error: kind == "deadline" ? nil : error, count: count)
        }
        report.succeeded = problem == nil ? items - failures.values.reduce(0, +) : 0
        return report
    }

    @Test func eachNewKindIsLoggedOnceAndEveryIncompleteRunSummarised() {
        var book = HealthBook()
        let logs = RecordingLogSink()
        let logger = Logger(level: .debug, sink: logs, clock: { 0 })
        book.record(Self.report(failures: ["server_error:ServiceUnavailable": 2]), logger: logger)
        book.record(Self.report(failures: ["server_error:ServiceUnavailable": 1, "deadline": 3]), logger: logger)
        book.record(Self.report(failures: ["server_error:ServiceUnavailable": 1]), logger: logger)
        book.record(Self.report(), logger: logger)
        let errors = logs.all.filter { $0.level == .error }.map { $0.metadata["kind"] ?? "" }
        #expect(errors == ["server_error:ServiceUnavailable", "deadline"], "a second, different error is not hidden")
        let summaries = logs.all.filter { $0.message == "collector run incomplete" }.map { $0.metadata["by_kind"] ?? "" }
        #expect(summaries == ["server_error:ServiceUnavailable=2", "deadline=3,server_error:ServiceUnavailable=1", "server_error:ServiceUnavailable=1"])
        #expect(logs.all.last?.message == "collector recovered")
        let health = book.collectors[.traffic]!
        #expect(health.lastSucceeded && health.lastGotData && health.runs == 4 && health.lastSuccess == 1100)
        #expect(health.failures == ["server_error": 4, "deadline": 3])
        #expect(abs(health.lastDuration - 80) < 1e-9 && abs(health.lastElapsed - 100) < 1e-9)
    }

    @Test func upNeedsDataFromADataCollector() {
        var book = HealthBook()
        #expect(!book.isUp(dataCollectors: [.traffic, .bandwidth], stop: nil))
        #expect(book.readiness(dataCollectors: [.traffic], stop: nil).reason.contains("traffic: first run in progress"))
        book.record(Self.report(.quota, items: 1), logger: .disabled)
        #expect(!book.isUp(dataCollectors: [.traffic, .bandwidth], stop: nil), "account collectors do not count")
        book.record(Self.report(.traffic, problem: RunProblem(reason: "no_domain_list", detail: "no domain list: discovery failed")), logger: .disabled)
        let readiness = book.readiness(dataCollectors: [.traffic, .bandwidth], stop: nil)
        #expect(!readiness.ready && readiness.reason.contains("traffic: no domain list: discovery failed"))
        book.record(Self.report(.bandwidth, failures: ["auth_error:InvalidAccessKeyId.NotFound": 10]), logger: .disabled)
        #expect(!book.isUp(dataCollectors: [.traffic, .bandwidth], stop: nil), "every domain failed: no data")
        #expect(book.readiness(dataCollectors: [.traffic, .bandwidth], stop: nil).reason.contains("bandwidth: 10 of 10 failed"))
        book.record(Self.report(.bandwidth, failures: ["server_error:ServiceUnavailable": 9]), logger: .disabled)
        #expect(book.isUp(dataCollectors: [.traffic, .bandwidth], stop: nil), "one domain with data is data")
        #expect(book.collectors[.bandwidth]?.lastSucceeded == false)
        // Data calls that stopped outweigh the latest runs, and the readiness says why.
        let stop = DataCallWatch.Stop(lastSuccess: 1_764_000_000, waiting: 3, latestFailure: nil)
        #expect(!book.isUp(dataCollectors: [.traffic, .bandwidth], stop: stop))
        let stopped = book.readiness(dataCollectors: [.traffic, .bandwidth], stop: stop).reason
        #expect(stopped.hasPrefix("not ready: no data call has succeeded since 2025-11-24T16:00:00Z (3 waiting for an answer)\n"), "\(stopped)")
    }

    @Test func aRunInProgressThatGotDataIsData() {
        var book = HealthBook()
        book.record(Self.report(.realtime, failures: ["transport_error": 10]), logger: .disabled)
        #expect(!book.isUp(dataCollectors: [.realtime], stop: nil))
        book.dataArrived(for: .realtime)
        #expect(book.isUp(dataCollectors: [.realtime], stop: nil), "the first answer of the next run")
        book.record(Self.report(.realtime, failures: ["transport_error": 10]), logger: .disabled)
        #expect(!book.isUp(dataCollectors: [.realtime], stop: nil), "the run's report replaces it")
    }
}

@Suite struct BudgetWarningTests {
    @Test func aBudgetThatCannotFitIsSaidOnceAndExported() async throws {
        let domains = (0..<10_000).map { "d\($0).example.com" }
        let harness = try EngineHarness(source: .list(domains), maxQPS: 10)
        _ = await harness.engine.reloadDomainsFile()
        _ = await harness.engine.reloadDomainsFile()
        let warnings = harness.logs.all.filter { $0.message.hasPrefix("the collector's calls do not fit") }
        // Realtime (on by default) cannot fit either: 500 calls a minute for 10,000 domains; nor usage
        // (30,003 calls an hour with only the trickle the others leave).
        #expect(warnings.map { $0.metadata["collector"] ?? "" } == ["bandwidth", "realtime", "traffic", "usage"], "once per collector")
        let families = try await harness.families()
        // 20,000 calls every 5 minutes at 10/s (less the tasks' share): over 2,000 s.
        #expect(try #require(families["aliyun_vod_exporter_collector_projected_run_seconds"]?.value(["collector": "traffic"])) > 2000)
        #expect(families["aliyun_vod_exporter_collector_interval_seconds"]?.value(["collector": "traffic"]) == 300)
    }
}

@Suite struct DataBoundsTests {
    static let rules = SettlementRules(settleDelay: 900, horizon: 3900)

    @Test func impossibleCounterValuesAreCountedAndNeverAdded() {
        var record = DomainRecord()
        let slots: AreaSlots = [(0, [.domestic: 100]), (300, [.domestic: 1e308]), (600, [.domestic: .infinity]), (900, [.domestic: 2e16])]
        let outcome = record.ingest(slots, into: .traffic, window: 0..<1200, interval: 300, now: 10_000, rules: Self.rules)
        #expect(outcome.invalidValues == 3 && outcome.newBuckets == 4)
        #expect(record.counterEntries.first?.ledger.total == 100, "absent buckets count as zero until real data appears")
        // 10 PB in five minutes is the bound itself: still data.
        let edge = record.ingest([(1200, [.domestic: 1e16])], into: .traffic, window: 1200..<1500, interval: 300, now: 10_000, rules: Self.rules)
        #expect(edge.invalidValues == 0 && record.counterEntries.first?.ledger.total == 100 + 1e16)
    }

    @Test func impossibleGaugeValuesLeaveTheLastGoodOne() {
        var record = DomainRecord()
        record.update(.bandwidth, slots: [(0, [.domestic: 1000])], interval: 300, now: 10_000, rules: Self.rules)
        let invalid = record.update(.bandwidth, slots: [(300, [.domestic: 1e308 / 8])], interval: 300, now: 10_000, rules: Self.rules)
        #expect(invalid == 1 && record.gaugeEntries.map(\.reading) == [GaugeReading(bucketStart: 0, value: 1000)])
        #expect(record.update(.byteHitRatio, slots: [(0, [.unknown: 1.5])], interval: 300, now: 10_000, rules: Self.rules) == 1)
        #expect(record.update(.byteHitRatio, slots: [(0, [.unknown: 0.9])], interval: 300, now: 10_000, rules: Self.rules) == 0)
    }

    @Test func realtimeValuesOutOfBoundsAreLeftOut() throws {
        let records = [
            DescribeVodDomainRealTimeDetailData.Record(timestamp: 60, domainName: "A.example.com", location: nil, isp: nil, qps: 10, bps: 1e308,
                                                       httpCodes: ["200": 5, "404": -1]),
            DescribeVodDomainRealTimeDetailData.Record(timestamp: 60, domainName: "a.example.com", location: nil, isp: nil, qps: 2, bps: 800,
                                                       httpCodes: ["200": 1]),
        ]
        let (readings, invalid) = RealtimeCollector.readings(records, domains: ["a.example.com"])
        let reading = try #require(readings["a.example.com"])
        #expect(invalid == 2 && reading.bytesPerSecond == 100 && reading.requestsPerSecond == 12 && reading.responsesByCode == ["200": 6])
    }
}
