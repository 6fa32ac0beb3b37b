import Agent
import Exposition
import Foundation
import HTTPClient
import Lifecycle
import RemoteWrite
import Testing
import TestSupport
import VODAPI

/// `docs/metrics.md` lists exactly the families the agent serves.
@Suite struct MetricsContractTests {
    @Test func documentationMatchesTheOutput() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("contract-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        defer { try? FileManager.default.removeItem(atPath: state + ".remote-write") }
        let sender = RemoteWriteSender(url: "http://receiver.test/api/v1/write", headers: { [] }, transport: RecordingReceiver(), timeout: 5,
                                       maxAttempts: 1, pause: { _ in })
        let shipper = RemoteWriteShipper(queue: try SegmentQueue(directory: state + ".remote-write", limitSamples: 1_000_000), sender: sender,
                                         time: SystemTimeSource(), logger: .disabled)
        // Usage with a commitment and prices, just after a month began: every usage family, the
        // reconciliations (which need the month covered) included.
        let prices = try PriceSheet.parse(Array(#"{"currency": "CNY", "method": "traffic", "domestic": [{"price": 0.2}]}"#.utf8))
        let usage = UsageSettings(committed: [CommittedBandwidth(domain: nil, bitsPerSecond: 1e9)], prices: prices)
        let api = FakeVODAPI()
        api.settings.withLock { $0.now = BillingMonth(containing: $0.now).start + 1500 }
        let harness = try EngineHarness(collectors: Set(AgentConfiguration.Collector.allCases), api: api, stateFile: StateFile(path: state),
                                        remoteWrite: shipper, usage: usage)
        _ = await harness.engine.reloadDomainsFile()
        _ = try await harness.cycle()
        // The shipper's last flush: it returns once the receiver has everything queued.
        let flush = GracefulShutdown()
        flush.request()
        await shipper.run(until: flush)
        #expect(shipper.queue.totals.samples == 0)
        // Then one failing collector (its last good data stays), so the failure counter is served too.
        harness.api.settings.withLock { $0.failing["DescribeVodRefreshQuota"] = (503, "ServiceUnavailable") }
        _ = try await harness.cycle()
        var served = Set(try await harness.families().keys)
        served.formUnion(ProcessMetricsCollector().collect().map(\.name))
        served.insert("aliyun_vod_exporter_build_info")  // added by the application
        served.formUnion(shipper.families().map(\.name))  // read at each scrape, with --remote-write.url
        // Added by the application's listener: always, with --web.config.file and with TLS
        // (WebConfigurationFileTests and ExporterToolkitCasesTests see them served).
        served.formUnion(["aliyun_vod_exporter_web_config_last_reload_successful", "aliyun_vod_exporter_web_config_last_reload_success_timestamp_seconds",
                          "aliyun_vod_exporter_web_refused_total", "aliyun_vod_exporter_tls_last_reload_successful",
                          "aliyun_vod_exporter_tls_last_reload_success_timestamp_seconds", "aliyun_vod_exporter_tls_certificate_expiry_timestamp_seconds"])
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/metrics.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        let documented = Set(text.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap { line in
            line.split(separator: "`").dropFirst().first.map(String.init)
        })
        // Only the credential expiry needs temporary credentials, which the test client lacks.
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served) == ["aliyun_vod_exporter_credentials_expiry_timestamp_seconds"],
                "documented but not served: \(documented.subtracting(served).sorted())")
    }
}
