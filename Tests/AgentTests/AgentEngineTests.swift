import Agent
import Exposition
import Foundation
import Synchronization
import Testing
import TestSupport
import VODAPI

@Suite struct AgentEngineTests {
    /// Σ of the fake's traffic over the settled buckets in `[from, to)`.
    static func settledSum(_ domain: String, from: Int64, through newest: Int64) -> Double {
        stride(from: from, through: newest, by: 300).reduce(0) { $0 + FakeVODAPI.traffic(domain, $1) }
    }

    @Test func firstCycleFillsTheLookbackAndEveryFamily() async throws {
        let harness = try EngineHarness()
        let now = harness.api.now
        let families = try await harness.cycle()
        let end = now / 300 * 300
        let newestSettled = (now - 900) / 300 * 300 - 300  // start of the newest bucket with end + 900 ≤ now
        let domain = "a.example.com"
        let expected = Self.settledSum(domain, from: end - 3600, through: newestSettled)
        let domestic = try #require(families["aliyun_vod_traffic_bytes_total"]?.value(["domain": domain, "area": "domestic"]))
        let overseas = try #require(families["aliyun_vod_traffic_bytes_total"]?.value(["domain": domain, "area": "overseas"]))
        #expect(domestic + overseas == expected)
        #expect(families["aliyun_vod_interval_traffic_bytes"]?.value(["domain": domain, "area": "domestic"]) == (FakeVODAPI.traffic(domain, newestSettled) * 0.75).rounded())
        #expect(families["aliyun_vod_https_traffic_bytes_total"]?.value(["domain": domain, "area": "unknown"]) == expected / 2)
        let bandwidth = FakeVODAPI.traffic(domain, newestSettled) * 8 / 300
        #expect(families["aliyun_vod_bandwidth_bytes_per_second"]?.value(["domain": domain, "area": "domestic"]) == (bandwidth * 0.75).rounded() / 8)
        #expect(families["aliyun_vod_data_timestamp_seconds"]?.value(["domain": domain, "source": "traffic"]) == Double(newestSettled))
        #expect(families["aliyun_vod_domain_info"]?.value(["domain": domain, "cname": "a.example.com.w.alikunlun.com", "status": "online"]) == 1)
        #expect(families["aliyun_vod_refresh_quota_remaining"]?.value(["kind": "preload"]) == 480)
        #expect(families["aliyun_vod_refresh_tasks"]?.value(["type": "file", "status": "pending"]) == 1)
        #expect(families["aliyun_vod_refresh_tasks"]?.value(["type": "file", "status": "complete"]) == 9)
        #expect(families["aliyun_vod_up"]?.value() == 1)
        #expect(families["aliyun_vod_exporter_domains"]?.value(["state": "selected"]) == 3)
        #expect(families["aliyun_vod_exporter_collector_success"]?.value(["collector": "traffic"]) == 1)
        #expect(families["aliyun_vod_exporter_api_requests_total"]?.value(["action": "DescribeVodDomainTrafficData", "result": "ok"]) == 3)
        #expect(await harness.engine.readiness().ready)
    }

    @Test func laterCyclesAddEachNewBucketOnce() async throws {
        let harness = try EngineHarness(source: .list(["a.example.com"]))
        let label: Labels = ["domain": "a.example.com", "area": "domestic"]
        let first = try #require(try await harness.cycle()["aliyun_vod_traffic_bytes_total"]?.value(label))
        let again = try #require(try await harness.cycle()["aliyun_vod_traffic_bytes_total"]?.value(label))
        #expect(again == first)  // the same buckets again: nothing new
        let newestBefore = (harness.api.now - 900) / 300 * 300 - 300
        harness.api.advance(300)
        let later = try #require(try await harness.cycle()["aliyun_vod_traffic_bytes_total"]?.value(label))
        #expect(later - first == (FakeVODAPI.traffic("a.example.com", newestBefore + 300) * 0.75).rounded())
    }

    @Test func failedPollsAreCaughtUpAndLoggedOnce() async throws {
        let harness = try EngineHarness(source: .list(["a.example.com"]))
        let label: Labels = ["domain": "a.example.com", "area": "domestic"]
        let start = try #require(try await harness.cycle()["aliyun_vod_traffic_bytes_total"]?.value(label))
        let newestBefore = (harness.api.now - 900) / 300 * 300 - 300
        harness.api.settings.withLock { $0.failing["DescribeVodDomainTrafficData"] = (503, "ServiceUnavailable") }
        for _ in 0..<3 {
            harness.api.advance(300)
            let families = try await harness.cycle()
            #expect(families["aliyun_vod_traffic_bytes_total"]?.value(label) == start)  // last good data kept
            #expect(families["aliyun_vod_exporter_collector_success"]?.value(["collector": "traffic"]) == 0)
            #expect(families["aliyun_vod_up"]?.value() == 1)  // the API answered, just not well
        }
        harness.api.settings.withLock { $0.failing = [:] }
        harness.api.advance(300)
        let families = try await harness.cycle()
        let caughtUp = stride(from: newestBefore + 300, through: newestBefore + 1200, by: 300).reduce(0.0) {
            $0 + (FakeVODAPI.traffic("a.example.com", $1) * 0.75).rounded()
        }
        #expect(families["aliyun_vod_traffic_bytes_total"]?.value(label) == start + caughtUp)
        let errorLines = harness.logs.all.filter { $0.level == .error && $0.metadata["collector"] == "traffic" }
        #expect(errorLines.count == 1)
        #expect(errorLines.first?.metadata["code"] == "ServiceUnavailable" && errorLines.first?.metadata["request_id"] == "req-fail")
        #expect(harness.logs.all.contains { $0.message == "collector recovered" })
    }

    @Test func authenticationFailureTakesUpToZero() async throws {
        let harness = try EngineHarness(source: .list(["a.example.com"]))
        harness.api.settings.withLock { $0.failingAll = (403, "InvalidAccessKeyId.NotFound") }
        let families = try await harness.cycle()
        #expect(families["aliyun_vod_up"]?.value() == 0)
        #expect(families["aliyun_vod_exporter_collector_success"]?.value(["collector": "traffic"]) == 0)
        let readiness = await harness.engine.readiness()
        #expect(!readiness.ready && readiness.reason.contains("InvalidAccessKeyId.NotFound"), "\(readiness.reason)")
    }

    /// One data collector with data is enough to be up: a RAM policy that lacks one action
    /// shows as that collector's failure, not as the whole exporter down.
    @Test func oneDataCollectorWithDataKeepsUp() async throws {
        let harness = try EngineHarness(source: .list(["a.example.com"]))
        harness.api.settings.withLock { $0.failing["DescribeVodDomainBpsData"] = (403, "Forbidden.RAM") }
        let families = try await harness.cycle()
        #expect(families["aliyun_vod_up"]?.value() == 1)
        #expect(families["aliyun_vod_exporter_collector_success"]?.value(["collector": "bandwidth"]) == 0)
        #expect(families["aliyun_vod_exporter_collector_failures_total"]?.value(["collector": "bandwidth", "reason": "auth_error"]) == 1)
    }

    @Test func upwardRevisionsAreAddedAndCounted() async throws {
        let harness = try EngineHarness(source: .list(["a.example.com"]))
        let label: Labels = ["domain": "a.example.com", "area": "domestic"]
        let before = try #require(try await harness.cycle()["aliyun_vod_traffic_bytes_total"]?.value(label))
        let revised = (harness.api.now - 900) / 300 * 300 - 600  // a counted bucket still in the lookback
        harness.api.settings.withLock { $0.trafficBoost[revised] = 4000 }
        let families = try await harness.cycle()
        let expectedGain = ((FakeVODAPI.traffic("a.example.com", revised) + 4000) * 0.75).rounded() - (FakeVODAPI.traffic("a.example.com", revised) * 0.75).rounded()
        #expect(families["aliyun_vod_traffic_bytes_total"]?.value(label) == before + expectedGain)
        #expect(try #require(families["aliyun_vod_exporter_revisions_total"]?.value(["source": "traffic", "direction": "up"])) > 0)
    }

    @Test func domainsFileChangesArePickedUpOnReload() async throws {
        let content = Mutex("a.example.com\n# comment\n")
        let harness = try EngineHarness(source: .file("/domains"), files: { _ in content.withLock { $0 } })
        #expect(await harness.engine.reloadDomainsFile() == nil)
        #expect(try await harness.cycle()["aliyun_vod_exporter_domains"]?.value(["state": "selected"]) == 1)
        content.withLock { $0 = "a.example.com\nb.example.com  # second\n" }
        #expect(await harness.engine.reloadDomainsFile() == nil)
        let families = try await harness.cycle()
        #expect(families["aliyun_vod_exporter_domains"]?.value(["state": "selected"]) == 2)
        #expect(families["aliyun_vod_traffic_bytes_total"]?.series.contains { $0.labels.pairs.contains(Label("domain", "b.example.com")) } == true)
        content.withLock { $0 = "not a domain!\n" }
        #expect(await harness.engine.reloadDomainsFile() != nil)  // bad file: previous list kept
        #expect(try await harness.cycle()["aliyun_vod_exporter_domains"]?.value(["state": "selected"]) == 2)
    }

    @Test func shardsSplitTheDomainsWithoutOverlap() async throws {
        let domains = (0..<40).map { "d\($0).example.com" }
        var seen: [String] = []
        for index in 0..<3 {
            let harness = try EngineHarness(shard: ShardSpec(parsing: "\(index)/3")!, collectors: [.traffic])
            harness.api.settings.withLock { $0.domains = domains }
            let families = try await harness.cycle()
            let names = Set(families["aliyun_vod_traffic_bytes_total"]?.series.compactMap { $0.labels.pairs.first { $0.name == "domain" }?.value } ?? [])
            seen += names
            #expect(!names.isEmpty)
        }
        #expect(seen.sorted() == domains.sorted())
    }

    /// Everything the agent serves, in both formats, through the snapshot the listener uses:
    /// promtool lints the text, the Python client's strict parser reads the OpenMetrics.
    @Test func everyFamilyPassesPromtoolAndTheOpenMetricsParser() async throws {
        let harness = try EngineHarness(collectors: Set(AgentConfiguration.Collector.allCases))
        _ = try await harness.cycle()
        let snapshot = try ExpositionSnapshot(families: Array(try await harness.families().values))
        let fresh = ProcessMetricsCollector().collect()
        let text = snapshot.body(format: .text, fresh: fresh, gzip: false).joined
        let outcome = try ExternalTool.outcome("promtool", ["check", "metrics"], input: text)
        #expect(outcome.status == 0 && outcome.standardError.isEmpty, "\(outcome.standardError)")
        let openMetrics = snapshot.body(format: .openMetrics, fresh: fresh, gzip: false).joined
        let script = "import sys\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families\nprint(len(list(text_string_to_metric_families(sys.stdin.read()))))"
        let parsed = try ExternalTool.outcome("python3", ["-c", script], input: openMetrics)
        #expect(parsed.status == 0, "\(parsed.standardError)")
    }
}

@Suite struct OptionalCollectorTests {
    @Test func originHitRatioRequestsAndRealtime() async throws {
        let harness = try EngineHarness(source: .list(["a.example.com"]), collectors: [.origin, .hitratio, .requests, .realtime])
        let families = try await harness.cycle()
        let domain: Labels = ["domain": "a.example.com"]
        #expect(families["aliyun_vod_byte_hit_ratio"]?.value(domain) == 0.9)
        #expect(families["aliyun_vod_request_hit_ratio"]?.value(domain) == 0.9)
        #expect(try #require(families["aliyun_vod_origin_traffic_bytes_total"]?.value(["domain": "a.example.com", "area": "domestic"])) > 0)
        #expect(try #require(families["aliyun_vod_requests_total"]?.value(["domain": "a.example.com", "area": "unknown"])) > 0)
        #expect(try #require(families["aliyun_vod_requests_per_second"]?.value(["domain": "a.example.com", "area": "domestic"])) > 0)
        #expect(families["aliyun_vod_realtime_bandwidth_bytes_per_second"]?.value(domain) == 1_000_000)
        #expect(families["aliyun_vod_realtime_requests_per_second"]?.value(domain) == 12.5)
        #expect(families["aliyun_vod_realtime_responses"]?.value(["domain": "a.example.com", "code": "404"]) == 5)
        #expect(families["aliyun_vod_data_timestamp_seconds"]?.value(["domain": "a.example.com", "source": "realtime"]) == Double((harness.api.now - 300) / 60 * 60))
        for collector in ["origin", "hitratio", "requests", "realtime"] {
            #expect(families["aliyun_vod_exporter_collector_success"]?.value(["collector": collector]) == 1, "\(collector)")
        }
        // Origin, hit ratios and requests are off by default; realtime is on.
        let plain = try await EngineHarness(source: .list(["a.example.com"])).cycle()
        #expect(plain["aliyun_vod_byte_hit_ratio"] == nil && plain["aliyun_vod_origin_traffic_bytes_total"] == nil && plain["aliyun_vod_requests_total"] == nil)
        #expect(plain["aliyun_vod_realtime_responses"]?.value(["domain": "a.example.com", "code": "404"]) == 5)
    }
}
