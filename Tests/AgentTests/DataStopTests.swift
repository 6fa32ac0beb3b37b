import Agent
import Synchronization
import Testing
import TestSupport
import VODAPI

/// Health on time, in virtual time: the real agent service against the fake API, `/-/ready`
/// and `aliyun_vod_up` sampled every 5 s as a prober would see them.
@Suite struct DataStopTests {
    /// What the agent published at each sample: seconds since the epoch of the test, and ready.
    final class Samples: Sendable {
        private let samples = Mutex<[(at: Double, ready: Bool)]>([])
        func add(_ at: Double, _ ready: Bool) { samples.withLock { $0.append((at, ready)) } }
        var all: [(at: Double, ready: Bool)] { samples.withLock { $0 } }

        /// The first sample at or after `start` whose readiness is `ready`.
        func first(_ ready: Bool, from start: Double) -> Double? { all.first { $0.at >= start && $0.ready == ready }?.at }
        /// Whether every sample in `range` is `ready`.
        func all(_ ready: Bool, in range: ClosedRange<Double>) -> Bool { all.filter { range.contains($0.at) }.allSatisfy { $0.ready == ready } }
    }

    /// Runs the agent for `seconds` with a fault switched on at `faultAt` and off at `faultEnd`
    /// (seconds after the epoch of `SchedulerTests`), sampling the published readiness.
    static func sample(_ harness: EngineHarness, _ time: VirtualTime, for seconds: Double,
                       fault: (on: Double, off: Double, set: @Sendable (Bool) -> Void)? = nil) async -> Samples {
        let samples = Samples()
        let service = harness.service, engine = harness.engine
        await SchedulerTests.run(harness, time, for: seconds) {
            while time.monotonic() < seconds - 10 {
                try? await time.sleep(seconds: 5)
                let at = time.now() - SchedulerTests.epoch
                if let fault, at >= fault.on, at < fault.on + 5 { fault.set(true) }
                if let fault, at >= fault.off, at < fault.off + 5 { fault.set(false) }
                let ready = service.readiness.ready
                #expect(await engine.isUp == ready || !ready, "what is served matches the engine, give or take the review in progress")
                samples.add(at, ready)
            }
        }
        return samples
    }

    static let dataActions: Set<String> = ["DescribeVodDomainTrafficData", "DescribeVodDomainBpsData", "DescribeVodDomainRealTimeDetailData"]

    /// Every data call hangs for 3 minutes, starting just after a realtime minute (the worst
    /// case: nothing is asked for a minute), or every call is refused with revoked keys: `up`
    /// and `/-/ready` go false within 2 minutes of the start and back within 2 minutes of the end.
    @Test(arguments: ["hang", "revoked keys"])
    func aThreeMinuteOutageShowsWithinTwoMinutesAndEndsAsFast(fault: String) async throws {
        let (time, _, harness) = try await SchedulerTests.agent(domains: 10, collectors: [.traffic, .bandwidth, .realtime], maxQPS: 100, maxConcurrency: 8)
        let api = harness.api
        let (on, off) = (400.0, 580.0)
        let samples = await Self.sample(harness, time, for: 1200, fault: (on, off, { active in
            api.settings.withLock {
                if fault == "hang" { $0.held = active ? Self.dataActions : [] } else { $0.failingAll = active ? (404, "InvalidAccessKeyId.NotFound") : nil }
            }
        }))
        #expect(samples.all(true, in: 120...on), "ready before the outage")
        let down = try #require(samples.first(false, from: on), "the outage was seen")
        #expect(down - on <= 120, "not ready \(down - on) s after it began")
        #expect(samples.all(false, in: down...off), "no flapping during it")
        let up = try #require(samples.first(true, from: off), "the recovery was seen")
        #expect(up - off <= 120, "ready again \(up - off) s after it ended")
        #expect(samples.all(true, in: up...1180), "and stays ready")
        let logs = harness.logs.all
        #expect(logs.filter { $0.message.hasPrefix("data has stopped") }.count == 1)
        #expect(logs.filter { $0.message == "data calls succeed again" }.count == 1)
    }

    /// Every other call is throttled and each answer takes 8 s; retries still deliver, so the
    /// agent stays up throughout.
    @Test func aThrottledAPIThatStillDeliversStaysUp() async throws {
        let (time, runs, harness) = try await SchedulerTests.agent(domains: 30, collectors: [.traffic, .bandwidth, .realtime], maxQPS: 5, maxConcurrency: 4, retries: 3)
        harness.api.settings.withLock {
            $0.throttleEvery = 2
            $0.latency[""] = 8
        }
        let samples = await Self.sample(harness, time, for: 1500)
        #expect(harness.api.calls.count > 500, "a busy API: \(harness.api.calls.count) calls")
        #expect(runs.all.contains { !$0.succeededFully }, "throttling did fail some calls for good")
        let firstReady = try #require(samples.first(true, from: 0))
        #expect(samples.all(true, in: firstReady...1490), "never not ready: \(samples.all.filter { !$0.ready }.map(\.at))")
        #expect(!harness.logs.all.contains { $0.message.hasPrefix("data has stopped") })
    }

    /// Realtime calls are refused for want of a permission, every minute; the settled
    /// collectors deliver once every 5 minutes: data arrives, and up never flaps.
    @Test func oneCollectorWithoutPermissionNeverTakesUpDown() async throws {
        let (time, runs, harness) = try await SchedulerTests.agent(domains: 1, collectors: [.traffic, .realtime], maxQPS: 100, maxConcurrency: 8)
        harness.api.settings.withLock { $0.failing["DescribeVodDomainRealTimeDetailData"] = (403, "Forbidden.RAM") }
        let samples = await Self.sample(harness, time, for: 1500)
        #expect(runs.of(.realtime).count > 20 && runs.of(.realtime).allSatisfy { $0.succeeded == 0 })
        let firstReady = try #require(samples.first(true, from: 0))
        #expect(samples.all(true, in: firstReady...1490), "never not ready: \(samples.all.filter { !$0.ready }.map(\.at))")
        let families = try await harness.families()
        #expect(families["aliyun_vod_exporter_collector_success"]?.value(["collector": "realtime"]) == 0, "the collector says what fails")
    }
}
