import Agent
import Exposition
import Foundation
import Testing

/// `docs/metrics.md` lists exactly the families the agent serves.
@Suite struct MetricsContractTests {
    @Test func documentationMatchesTheOutput() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("contract-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let harness = try EngineHarness(collectors: Set(AgentConfiguration.Collector.allCases), stateFile: StateFile(path: state))
        _ = await harness.engine.reloadDomainsFile()
        _ = try await harness.cycle()
        // Then one failing collector (its last good data stays), so the failure counter is served too.
        harness.api.settings.withLock { $0.failing["DescribeVodRefreshQuota"] = (503, "ServiceUnavailable") }
        _ = try await harness.cycle()
        var served = Set(try await harness.families().keys)
        served.formUnion(ProcessMetricsCollector().collect().map(\.name))
        served.insert("aliyun_vod_exporter_build_info")  // added by the application
        // Added by the application with --web.config.file (WebConfigurationFileTests sees them served).
        served.formUnion(["aliyun_vod_exporter_web_config_last_reload_successful", "aliyun_vod_exporter_web_config_last_reload_success_timestamp_seconds"])
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
