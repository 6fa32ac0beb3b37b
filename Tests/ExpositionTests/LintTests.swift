import Exposition
import Testing
import TestSupport

/// The rendered formats checked by the parsers of other implementations: Prometheus's own
/// strict text linter, and the Python client's OpenMetrics parser (which rejects any deviation
/// from the OpenMetrics grammar).
@Suite struct LintTests {
    private static func everything() throws -> [MetricFamily] {
        try SampleFamilies.all() + ProcessMetricsCollector().collect()
    }

    @Test func promtoolFindsNothingInTheTextFormat() throws {
        let body = ExpositionRenderer.render(try Self.everything(), format: .text)
        let outcome = try ExternalTool.outcome("promtool", ["check", "metrics"], input: body)
        #expect(outcome.status == 0, "promtool: \(outcome.standardError)")
        #expect(outcome.standardError.isEmpty && outcome.standardOutput.isEmpty, "promtool: \(outcome.standardError)\(outcome.standardOutput)")
    }

    /// promtool is strict enough to catch what the renderer must never do: a sanity check that
    /// the lint test above can fail.
    @Test func promtoolRejectsABrokenBody() throws {
        let outcome = try ExternalTool.outcome("promtool", ["check", "metrics"], input: Array("# TYPE a gauge\r\na 1\r\n".utf8))
        #expect(outcome.status != 0)
    }

    @Test func pythonOpenMetricsParserAcceptsTheOpenMetricsFormat() throws {
        let body = ExpositionRenderer.render(try Self.everything(), format: .openMetrics)
        let script = """
            import sys
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
            families = list(text_string_to_metric_families(sys.stdin.read()))
            for f in sorted(families, key=lambda f: f.name):
                print(f.name, f.type, f.unit, len(f.samples))
            """
        let output = try ExternalTool.run("python3", ["-c", script], input: body)
        #expect(output.contains("sample_requests counter  3\n"))
        #expect(output.contains("sample_traffic_bytes counter bytes 2\n"))
        #expect(output.contains("sample_build info  1\n"))
        #expect(output.contains("sample_poll_duration_seconds histogram seconds 10\n"))
        #expect(output.contains("process_cpu_seconds counter seconds 1\n"))
    }

    @Test func pythonOpenMetricsParserRejectsAMissingEOF() throws {
        var body = ExpositionRenderer.render(try SampleFamilies.all(), format: .openMetrics)
        body.removeLast("# EOF\n".utf8.count)
        let script = "import sys\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families\nlist(text_string_to_metric_families(sys.stdin.read()))"
        let outcome = try ExternalTool.outcome("python3", ["-c", script], input: body)
        #expect(outcome.status != 0)
    }
}
