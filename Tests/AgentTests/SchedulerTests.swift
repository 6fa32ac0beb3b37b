import Agent
import Synchronization
import Testing
import TestSupport
import VODAPI

/// The schedule in virtual time: the real agent service, rate gate and client against the fake
/// API, whose answers take virtual time. No real time passes, so these check the schedule
/// exactly, whatever the machine's load.
@Suite struct SchedulerTests {
    /// A grid point of the 5-minute grid (plus the 20 s offset) is `epoch + k × 300 + 20`.
    static let epoch = 1_764_000_000.0

    /// Every run report, in the order runs ended.
    final class Runs: Sendable {
        private let reports = Mutex<[RunReport]>([])
        func add(_ report: RunReport) { reports.withLock { $0.append(report) } }
        var all: [RunReport] { reports.withLock { $0 } }
        func of(_ collector: AgentConfiguration.Collector) -> [RunReport] { all.filter { $0.collector == collector } }
    }

    /// An agent for `domains` domains on virtual time starting `start` seconds after a 5-minute
    /// boundary (100 s: past the grid point at 20 s), and the reports of its runs.
    static func agent(domains count: Int, collectors: Set<AgentConfiguration.Collector>, maxQPS: Double,
                      maxConcurrency: Int, start: Double = 100, retries: Int = 0) async throws -> (VirtualTime, Runs, EngineHarness) {
        let time = VirtualTime(epoch: Self.epoch + start)
        let runs = Runs()
        let domains = (0..<count).map { "d\($0).example.com" }
        let harness = try EngineHarness(source: .list(domains), collectors: collectors, api: FakeVODAPI(time: time), time: time,
                                        maxQPS: maxQPS, maxConcurrency: maxConcurrency, retries: retries, afterRun: { runs.add($0) })
        _ = await harness.engine.reloadDomainsFile()
        return (time, runs, harness)
    }

    /// Runs the agent's schedule for `seconds` of virtual time.
    static func run(_ harness: EngineHarness, _ time: VirtualTime, for seconds: Double, during: (@Sendable () async -> Void)? = nil) async {
        let service = harness.service
        await time.run {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await service.run() }
                if let during { await during() }
                try? await time.sleep(seconds: seconds - (time.monotonic()))
                group.cancelAll()
            }
        }
    }

    @Test func thousandDomainsAtAGridPointEndWithinTheirBound() async throws {
        // The default concurrency (8), 20 calls a second, 50 ms an answer.
        let (time, runs, harness) = try await Self.agent(domains: 1000, collectors: [.traffic, .bandwidth], maxQPS: 20, maxConcurrency: 8)
        harness.api.settings.withLock { $0.latency[""] = 0.05 }
        await Self.run(harness, time, for: 1000)

        // 2,000 calls per grid point at 20 per second: 100 s; the bound is that × 1.1 plus one
        // call's latency. Runs of the two collectors share the rate, so each ends within it.
        let bound = max(60, 2000.0 / 20) * 1.1 + 0.05
        for collector in [AgentConfiguration.Collector.traffic, .bandwidth] {
            let reports = runs.of(collector)
            let scheduled = reports.dropFirst()
            #expect(scheduled.map(\.scheduledAt) == [Self.epoch + 320, Self.epoch + 620, Self.epoch + 920], "one run per grid point, none skipped")
            for report in reports {
                #expect(report.endedAt - report.scheduledAt <= bound, "\(collector) run at \(report.scheduledAt - Self.epoch) took \(report.endedAt - report.scheduledAt) s")
                #expect(report.items == 1000 && report.succeededFully)
            }
            // Spread over the first minute, not bunched at the grid point.
            #expect(scheduled.allSatisfy { ($0.firstCall ?? 0) - $0.scheduledAt < 1 })
        }
        #expect(await harness.engine.isUp)
    }

    @Test func aRunPastItsDeadlinePublishesWhatFinished() async throws {
        let (time, runs, harness) = try await Self.agent(domains: 10, collectors: [.traffic], maxQPS: 100, maxConcurrency: 8)
        // The first run completes; then one domain's calls hang from the first grid point on.
        await Self.run(harness, time, for: 900) {
            try? await time.sleep(seconds: 150)
            harness.api.settings.withLock { $0.heldDomains = ["d3.example.com"] }
        }
        let scheduled = runs.of(.traffic).dropFirst()
        #expect(scheduled.count == 2, "runs never overlap or pile up")
        for report in scheduled {
            // Abandoned at the deadline (the interval less 30 s), with the rest done.
            #expect(report.endedAt - report.scheduledAt == 270)
            #expect(report.succeeded == 9 && report.failures["deadline"]?.count == 1)
        }
        let families = try await harness.families()
        #expect(families["aliyun_vod_exporter_collector_success"]?.value(["collector": "traffic"]) == 0)
        #expect(families["aliyun_vod_exporter_collector_failures_total"]?.value(["collector": "traffic", "reason": "deadline"]) == 2)
        let newest = { (domain: String) in families["aliyun_vod_data_timestamp_seconds"]?.value(["domain": domain, "source": "traffic"]) }
        #expect(try #require(newest("d0.example.com")) > (try #require(newest("d3.example.com"))), "what finished is published")
        #expect(await harness.engine.isUp, "nine domains of ten have data")
        let lines = harness.logs.all.filter { $0.metadata["kind"] == "deadline" }
        #expect(lines.count == 1 && lines.first?.metadata["failed"] == "1", "one error line for the new kind")
        #expect(harness.logs.all.filter { $0.message == "collector run incomplete" }.count == 2, "a summary per run")
    }

    /// A hung history API (traffic and bandwidth calls never answer) takes the bulk lane's slots
    /// but not the ones reserved for the rest: realtime, what the spike alerts page on, keeps its
    /// cadence, and every run finishes well before its deadline.
    @Test func aHungHistoryAPILeavesRealtimeOnItsCadence() async throws {
        let (time, runs, harness) = try await Self.agent(domains: 40, collectors: [.traffic, .bandwidth, .realtime], maxQPS: 100, maxConcurrency: 8)
        await Self.run(harness, time, for: 900) {
            try? await time.sleep(seconds: 150)
            harness.api.settings.withLock { $0.held = ["DescribeVodDomainTrafficData", "DescribeVodDomainBpsData"] }
        }
        let hung = runs.of(.traffic).dropFirst()
        #expect(!hung.isEmpty && hung.allSatisfy { $0.failures["deadline"] != nil }, "the history calls did hang")
        let realtime = runs.of(.realtime).filter { $0.scheduledAt >= Self.epoch + 250 }
        #expect(realtime.count >= 10, "one run a minute: \(realtime.count)")
        for report in realtime {
            #expect(report.succeededFully, "realtime run at \(report.scheduledAt - Self.epoch): \(report.failures.keys.sorted())")
            #expect(report.endedAt - report.scheduledAt < 54, "within its deadline")
        }
        let starts = realtime.map(\.scheduledAt)
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $1 - $0 == 60 }, "on its cadence: \(starts.map { $0 - Self.epoch })")
        // Realtime delivers every minute: data has not stopped, whatever hangs beside it.
        #expect(await harness.engine.isUp && !harness.logs.all.contains { $0.message.hasPrefix("data has stopped") })
    }

    @Test func reloadsDuringARunGiveExactlyOneMoreRun() async throws {
        let (time, runs, harness) = try await Self.agent(domains: 20, collectors: [.traffic], maxQPS: 100, maxConcurrency: 1)
        harness.api.settings.withLock { $0.latency[""] = 1 }  // a run takes 20 s
        let service = harness.service
        await Self.run(harness, time, for: 200) {
            try? await time.sleep(seconds: 5)
            for _ in 0..<3 { await service.reload() }
        }
        let reports = runs.of(.traffic)
        #expect(reports.count == 2, "the first run and exactly one more before the grid point")
        if reports.count == 2 {
            #expect(reports[1].scheduledAt == reports[0].endedAt, "the requested run starts as the first ends")
        }
    }

    /// A first run that covers a grid point (it started 5 s before one and takes 20 s) is
    /// followed at once by a run for that grid point; the next runs are on the grid.
    @Test func aGridPointMissedDuringARunIsCaughtUp() async throws {
        let (time, runs, harness) = try await Self.agent(domains: 20, collectors: [.traffic], maxQPS: 100, maxConcurrency: 1, start: 15)
        harness.api.settings.withLock { $0.latency[""] = 1 }
        await Self.run(harness, time, for: 700)
        let starts = runs.of(.traffic).map { $0.scheduledAt - Self.epoch }
        #expect(starts.count == 4 && starts[0] == 15 && starts[1] == 35 && Array(starts[2...]) == [320, 620], "\(starts)")
    }

    @Test func realtimeRunsEveryMinuteWhileASettledRunIsSlow() async throws {
        let (time, runs, harness) = try await Self.agent(domains: 48, collectors: [.traffic, .realtime], maxQPS: 100, maxConcurrency: 8)
        harness.api.settings.withLock { $0.latency["DescribeVodDomainTrafficData"] = 20 }  // traffic runs take 120 s
        await Self.run(harness, time, for: 600)
        let traffic = try #require(runs.of(.traffic).dropFirst().first)
        #expect(traffic.endedAt - traffic.scheduledAt >= 120)
        let during = runs.of(.realtime).filter { $0.scheduledAt > traffic.scheduledAt && $0.scheduledAt < traffic.endedAt }
        #expect(during.count >= 2, "realtime keeps its minute while traffic is slow")
        for report in runs.of(.realtime) {
            #expect(report.succeededFully)
            // Slow traffic calls hold bulk slots only: realtime never waits for them.
            #expect(report.endedAt - report.scheduledAt <= 30 + 1)
        }
        // On the minute grid (offset 15 s) from the first grid point on.
        let minutes = runs.of(.realtime).dropFirst().map { Int($0.scheduledAt - Self.epoch) }
        #expect(minutes == Array(stride(from: 135, through: 675, by: 60)))
    }

    /// The usage collector's calls (hourly billing figures) take only the rate the others leave,
    /// its first run at start too, so the 5-minute runs keep theirs. The default proportions,
    /// scaled down ten times: 1,000 domains at 10 calls/s here are 100 at 1/s.
    @Test func usageCallsTakeOnlyTheRateTheOthersLeave() async throws {
        let collectors: Set<AgentConfiguration.Collector> = [.traffic, .bandwidth, .realtime, .usage]
        // Started just after a grid point: the first runs end before the next.
        let (time, runs, harness) = try await Self.agent(domains: 100, collectors: collectors, maxQPS: 1, maxConcurrency: 8, start: 25)
        harness.api.settings.withLock { $0.latency[""] = 0.05 }
        await Self.run(harness, time, for: 1600)

        // The 5-minute runs, the first ones at start beside usage's first and every grid point's
        // after them, end as if usage were off: 200 calls at the rate realtime leaves (218 s).
        for collector in [AgentConfiguration.Collector.traffic, .bandwidth] {
            let reports = runs.of(collector)
            let gridPoints: [Double] = stride(from: 320.0, through: 1220, by: 300).map { Self.epoch + $0 }
            #expect(reports.dropFirst().map(\.scheduledAt) == gridPoints, "none skipped")
            for report in reports {
                #expect(report.succeededFully, "\(collector) run at \(report.scheduledAt - Self.epoch): \(report.failures)")
                #expect(report.endedAt - report.scheduledAt < 225, "\(collector) run at \(report.scheduledAt - Self.epoch): \(report.endedAt - report.scheduledAt) s")
            }
        }
        // Usage's 303 calls, in the time the others leave (on average 1 - 200/300 - 5/60 calls/s:
        // 1,212 s; 1,422 s here), well within its deadline.
        let usage = try #require(runs.of(.usage).first)
        #expect(usage.succeededFully && usage.items == 101)
        #expect(usage.endedAt - usage.scheduledAt < 1500, "\(usage.endedAt - usage.scheduledAt) s")
        let families = try await harness.families()
        let projected = { (collector: String) in families["aliyun_vod_exporter_collector_projected_run_seconds"]?.value(["collector": collector]) }
        let left: Double = 1 - 200.0 / 300 - 5.0 / 60
        #expect(abs(try #require(projected("usage")) - 303 / left) < 1e-6)
        #expect(!harness.logs.all.contains { $0.message.hasPrefix("the collector's calls do not fit") })
    }
}
