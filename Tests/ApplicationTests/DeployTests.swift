import Foundation
import Testing
import TestSupport
import WebServer

/// The files under deploy/ and dashboards/, checked with the real tools: promtool, the
/// Kubernetes schemas (kubernetes-validate) and systemd-analyze.
@Suite struct DeployTests {
    static let repository = PrometheusEndToEndTests.repository
    static func path(_ relative: String) -> String { repository.appendingPathComponent(relative).path }

    /// The rules (alerts and recording rules) `deploy/prometheus/alerts.yml` defines.
    static func ruleCount() throws -> Int {
        try String(contentsOfFile: path("deploy/prometheus/alerts.yml"), encoding: .utf8).split(separator: "\n").filter {
            let line = $0.trimmingCharacters(in: .whitespaces)
            return line.hasPrefix("- alert: ") || line.hasPrefix("- record: ")
        }.count
    }

    @Test func alertRulesPassTheirUnitTests() throws {
        let check = try ExternalTool.outcome("promtool", ["check", "rules", Self.path("deploy/prometheus/alerts.yml")])
        let rules = try Self.ruleCount()
        #expect(check.status == 0 && check.standardOutput.contains("SUCCESS: \(rules) rules found"), "\(check.standardOutput)\(check.standardError)")
        let tests = try ExternalTool.outcome("promtool", ["test", "rules", Self.path("deploy/prometheus/alerts.test.yml")])
        #expect(tests.status == 0 && tests.standardOutput.contains("SUCCESS"), "\(tests.standardOutput)\(tests.standardError)")
        let config = try ExternalTool.outcome("promtool", ["check", "config", Self.path("deploy/prometheus/prometheus.yml")])
        #expect(config.status == 0, "\(config.standardOutput)\(config.standardError)")
        // The rule tests can fail: the first-day cases (the test group with five.example.com, a
        // few seconds where the whole file takes minutes) against rules whose ticket tier never fires.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let silenced = try String(contentsOfFile: Self.path("deploy/prometheus/alerts.yml"), encoding: .utf8).replacingOccurrences(of: "vector(1.6)", with: "vector(1600)")
        try silenced.write(to: folder.appendingPathComponent("alerts.yml"), atomically: true, encoding: .utf8)
        let separator = "\n  - interval: 1m\n"
        let parts = try String(contentsOfFile: Self.path("deploy/prometheus/alerts.test.yml"), encoding: .utf8).components(separatedBy: separator)
        let firstDay = parts.dropFirst().filter { $0.contains("five.example.com") }
        #expect(firstDay.count == 1)
        try ([parts[0]] + firstDay).joined(separator: separator).write(to: folder.appendingPathComponent("alerts.test.yml"), atomically: true, encoding: .utf8)
        let failing = try ExternalTool.outcome("promtool", ["test", "rules", folder.appendingPathComponent("alerts.test.yml").path])
        #expect(failing.status != 0 && failing.standardError.contains("five.example.com"), "\(failing.standardOutput)\(failing.standardError)")
    }

    /// Each variant (`kubectl apply -k deploy/kubernetes`, `… -k deploy/kubernetes/sharded`)
    /// renders on its own into valid objects: a ServiceAccount, a Service and its workload (no
    /// Namespace, which `kubectl delete -k` would delete, and no Secret with a known password),
    /// with the image its kustomization names, which is the one place to change it.
    @Test(arguments: [("deploy/kubernetes", ["Deployment"]), ("deploy/kubernetes/sharded", ["StatefulSet"]),
                      ("deploy/kubernetes/tls", ["Deployment"])])
    func kustomizeVariantsRender(variant: String, extraKinds: [String]) throws {
        func render(_ folder: String) throws -> String {
            let outcome = try ExternalTool.outcome("kubectl", ["kustomize", folder])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            return outcome.standardOutput
        }
        let rendered = try render(Self.path(variant))
        let kinds = rendered.split(separator: "\n").filter { $0.hasPrefix("kind: ") }.map { String($0.dropFirst(6)) }.sorted()
        #expect(kinds == (["Service", "ServiceAccount"] + extraKinds).sorted(), "\(kinds)")
        // The name `podman load` gives the release's image (scripts/package).
        #expect(rendered.contains("image: vodcdn-exporter:0.1.0"))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kustomize-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.copyItem(atPath: Self.path("deploy/kubernetes"), toPath: scratch.path)
        let copy = scratch.appendingPathComponent(String(variant.dropFirst("deploy/kubernetes".count))).path
        let validated = scratch.appendingPathComponent("rendered.yaml")
        try rendered.write(to: validated, atomically: true, encoding: .utf8)
        let validation = try ExternalTool.outcome("kubernetes-validate", ["--strict", validated.path])
        #expect(validation.status == 0, "\(validation.standardOutput)\(validation.standardError)")
        // One edit of the kustomization changes the image of the workload.
        let kustomization = "\(copy)/kustomization.yaml"
        try String(contentsOfFile: kustomization, encoding: .utf8)
            .replacingOccurrences(of: "newName: vodcdn-exporter", with: "newName: registry.internal/vod/exporter")
            .replacingOccurrences(of: "newTag: 0.1.0", with: "newTag: 9.9.9")
            .write(toFile: kustomization, atomically: true, encoding: .utf8)
        let edited = try render(copy)
        #expect(edited.contains("image: registry.internal/vod/exporter:9.9.9") && !edited.contains("image: vodcdn-exporter"))
    }

    /// N is the StatefulSet's replicas and nothing else: the rendered --shard follows it.
    @Test func theShardCountComesFromTheReplicasAlone() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sharded-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.copyItem(atPath: Self.path("deploy/kubernetes/sharded"), toPath: scratch.path)
        let shipped = try ExternalTool.run("kubectl", ["kustomize", scratch.path])
        #expect(shipped.contains("replicas: 3\n") && shipped.contains("- --shard=$(POD_INDEX)/3\n"))
        let statefulSet = scratch.appendingPathComponent("statefulset.yaml")
        try String(contentsOf: statefulSet, encoding: .utf8).replacingOccurrences(of: "replicas: 3", with: "replicas: 8")
            .write(to: statefulSet, atomically: true, encoding: .utf8)
        let scaled = try ExternalTool.run("kubectl", ["kustomize", scratch.path])
        #expect(scaled.contains("replicas: 8\n") && scaled.contains("- --shard=$(POD_INDEX)/8\n") && !scaled.contains("/3\n"))
        #expect(shipped.components(separatedBy: "replicas:").count == 2, "N written once")
    }

    /// The TLS variant's example web configuration is refused as shipped (no known password is
    /// ever deployed) and accepted once a bcrypt hash is put in; the variant points the exporter
    /// at it and probes over HTTPS; its ServiceMonitor scrapes over HTTPS with basic auth.
    @Test func theTLSVariantsWebConfigurationIsValid() throws {
        let example = try String(contentsOfFile: Self.path("deploy/kubernetes/tls/web.example.yml"), encoding: .utf8)
        #expect(throws: (any Error).self) { try WebConfiguration(parsing: example, directory: "/etc/vodcdn-exporter/web") }
        let hash = "$2b$10$NE265zD3jo0co3Sukhxu7uwdlD7ipSAMRPVIbl2OtdvP6kU0bvS/C"
        let configuration = try WebConfiguration(parsing: example.replacingOccurrences(of: "REPLACE-WITH-A-BCRYPT-HASH", with: hash),
                                                 directory: "/etc/vodcdn-exporter/web")
        #expect(configuration.tls?.certificate == .file("/etc/vodcdn-exporter/web/tls.crt") && configuration.users.keys.sorted() == ["prometheus"])
        let patch = try String(contentsOfFile: Self.path("deploy/kubernetes/tls/deployment-tls.yaml"), encoding: .utf8)
        #expect(patch.contains("--web.config.file=/etc/vodcdn-exporter/web/web.yml") && patch.contains("mountPath: /etc/vodcdn-exporter/web"))
        #expect(patch.components(separatedBy: "scheme: HTTPS").count == 3)
        let monitor = try String(contentsOfFile: Self.path("deploy/kubernetes/tls/servicemonitor.yaml"), encoding: .utf8)
        #expect(monitor.contains("scheme: https") && monitor.contains("basicAuth:") && monitor.contains("serverName: vodcdn-exporter.monitoring.svc"))
    }

    @Test func kubernetesManifestsValidate() throws {
        let folder = Self.path("deploy/kubernetes")
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder)
            // Kustomizations and patches are not objects of their own (kustomizeVariantsRender checks what they make).
            .filter { $0.hasSuffix(".yaml") && !$0.hasSuffix("kustomization.yaml") && $0 != "tls/deployment-tls.yaml" }.sorted().map { "\(folder)/\($0)" }
        #expect(files.count >= 7)
        let outcome = try ExternalTool.outcome("kubernetes-validate", ["--strict"] + files)
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("passed for resource statefulset/vodcdn-exporter"))
        // Each workload applies on its own (its ServiceAccount with it), and the namespace carries
        // the label without which ACK's webhook injects no RRSA credentials.
        for workload in ["single/deployment.yaml", "sharded/statefulset.yaml"] {
            #expect(try String(contentsOfFile: "\(folder)/\(workload)", encoding: .utf8).contains("kind: ServiceAccount"), "\(workload)")
        }
        #expect(try String(contentsOfFile: "\(folder)/namespace.yaml", encoding: .utf8).contains("pod-identity.alibabacloud.com/injection: \"on\""))
        // The validator does catch mistakes.
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: broken) }
        try String(contentsOfFile: "\(folder)/single/deployment.yaml", encoding: .utf8).replacingOccurrences(of: "replicas: 1", with: "replicas: one")
            .write(to: broken, atomically: true, encoding: .utf8)
        #expect(try ExternalTool.outcome("kubernetes-validate", ["--strict", broken.path]).status != 0)
    }

    /// The PrometheusRule is generated from alerts.yml; the check notices when it is not.
    @Test func prometheusRuleIsGenerated() throws {
        let check = try ExternalTool.outcome("python3", [Self.path("scripts/generate-rules"), "--check"])
        #expect(check.status == 0, "\(check.standardError)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("generate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for relative in ["scripts/generate-rules", "deploy/prometheus/alerts.yml", "deploy/prometheus/alerts.test.yml", "deploy/kubernetes/prometheusrule.yaml"] {
            let target = folder.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.path(relative), toPath: target.path)
        }
        let rules = folder.appendingPathComponent("deploy/prometheus/alerts.yml")
        try (String(contentsOf: rules, encoding: .utf8) + "\n").write(to: rules, atomically: true, encoding: .utf8)
        let stale = try ExternalTool.outcome("python3", [folder.appendingPathComponent("scripts/generate-rules").path, "--check"])
        #expect(stale.status == 1 && stale.standardError.contains("run scripts/generate-rules"), "\(stale.standardError)")
        // The runbook base is set in one place: every alert, its tests and the PrometheusRule follow.
        let base = "https://wiki.internal/ops/vod-runbook"
        let pointed = try ExternalTool.outcome("python3", [folder.appendingPathComponent("scripts/generate-rules").path, "--runbook-base", base])
        #expect(pointed.status == 0, "\(pointed.standardError)")
        var anchors: [String: Set<Substring>] = [:]
        for relative in ["deploy/prometheus/alerts.yml", "deploy/prometheus/alerts.test.yml", "deploy/kubernetes/prometheusrule.yaml"] {
            let text = try String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
            let urls = text.components(separatedBy: "runbook_url: \"").dropFirst()
            #expect(urls.count >= 17 && urls.allSatisfy { $0.hasPrefix(base + "#vod") }, "\(relative)")
            anchors[relative] = Set(urls.compactMap { $0.split(separator: "\"").first?.split(separator: "#").last })
        }
        // The tests expect the rules' own URLs (the whole test file under promtool takes minutes
        // and runs once, in alertRulesPassTheirUnitTests, on the shipped files).
        let ruleAnchors = anchors["deploy/prometheus/alerts.yml"] ?? []
        #expect(!(anchors["deploy/prometheus/alerts.test.yml"] ?? []).isEmpty && (anchors["deploy/prometheus/alerts.test.yml"] ?? []).isSubset(of: ruleAnchors))
        #expect(anchors["deploy/kubernetes/prometheusrule.yaml"] == ruleAnchors)
        let pointedRules = try ExternalTool.outcome("promtool", ["check", "rules", rules.path])
        #expect(pointedRules.status == 0, "\(pointedRules.standardOutput)\(pointedRules.standardError)")
    }

    /// The CRD-based objects (no schema offline): the PrometheusRule carries exactly the rules of
    /// alerts.yml, and the ServiceMonitor scrapes the port the Services name.
    @Test func prometheusOperatorObjectsMatch() throws {
        let script = """
            import sys, yaml
            rules = yaml.safe_load(open(sys.argv[1]))["groups"]
            crd = yaml.safe_load(open(sys.argv[2]))
            assert crd["kind"] == "PrometheusRule" and crd["spec"]["groups"] == rules, "PrometheusRule differs from alerts.yml"
            monitor = yaml.safe_load(open(sys.argv[3]))
            ports = [p["name"] for doc in yaml.safe_load_all(open(sys.argv[4])) if doc and doc["kind"] == "Service" for p in doc["spec"]["ports"]]
            assert all(e["port"] in ports for e in monitor["spec"]["endpoints"]), "ServiceMonitor port not on the Service"
            print("ok")
            """
        let outcome = try ExternalTool.outcome("python3", ["-c", script, Self.path("deploy/prometheus/alerts.yml"), Self.path("deploy/kubernetes/prometheusrule.yaml"),
                                                           Self.path("deploy/kubernetes/servicemonitor.yaml"), Self.path("deploy/kubernetes/single/service.yaml")])
        #expect(outcome.status == 0 && outcome.standardOutput == "ok\n", "\(outcome.standardError)")
    }

    @Test func systemdUnitVerifies() throws {
        let unit = try String(contentsOfFile: Self.path("deploy/systemd/vodcdn-exporter.service"), encoding: .utf8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // systemd-analyze checks that ExecStart exists: point it at the binary just built.
        let local = folder.appendingPathComponent("vodcdn-exporter.service")
        try unit.replacingOccurrences(of: "/usr/local/bin/vodcdn-exporter", with: BinaryTests.binary.path).write(to: local, atomically: true, encoding: .utf8)
        let outcome = try ExternalTool.outcome("systemd-analyze", ["verify", local.path])
        #expect(outcome.status == 0 && !outcome.standardError.contains("vodcdn-exporter.service:"), "\(outcome.standardError)")
        // Credentials are read in place (LoadCredential's copy would not follow a rotation).
        #expect(unit.contains("User=vodcdn-exporter") && unit.contains("NoNewPrivileges=yes") && unit.contains("ProtectSystem=strict") && !unit.contains("LoadCredential="))
        let broken = folder.appendingPathComponent("broken.service")
        try unit.replacingOccurrences(of: "ExecStart=/usr/local/bin/vodcdn-exporter", with: "ExecStart=relative/path").write(to: broken, atomically: true, encoding: .utf8)
        #expect(try ExternalTool.outcome("systemd-analyze", ["verify", broken.path]).status != 0)
    }

    /// The binary under the unit's own SystemCallFilter= lines (a seccomp filter built from them,
    /// as systemd builds it): it starts, serves and stops; and the filter that once killed it at
    /// start (all of @resources denied) kills it here too, so the check can fail.
    @Test func theBinaryRunsUnderTheUnitsSystemCallFilter() throws {
        let unitPath = Self.path("deploy/systemd/vodcdn-exporter.service")
        let filter = URL(fileURLWithPath: Self.path("scripts/run-under-unit-filter"))
        let demo = try ServingProcess(executable: filter, arguments: [unitPath, BinaryTests.binary.path, "demo", "--web.listen-address", "127.0.0.1:0"])
        BinaryTests.waitUntil { (try? TestClient(port: demo.port).request("/-/ready").status) == 200 }
        BinaryTests.waitForRuns(port: demo.port, ["traffic"])
        let scraped = try TestClient(port: demo.port).request("/metrics")
        #expect(scraped.status == 200 && scraped.text.contains("aliyun_vod_traffic_bytes_total{"))
        #expect(try demo.terminate() == 0, "\(demo.standardError)")

        let unit = try String(contentsOfFile: unitPath, encoding: .utf8)
        let withoutAddBack = unit.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !($0.hasPrefix("SystemCallFilter=") && !$0.contains("@")) }.joined(separator: "\n")
        #expect(withoutAddBack != unit && withoutAddBack.contains("SystemCallFilter=~@privileged @resources"))
        let strict = FileManager.default.temporaryDirectory.appendingPathComponent("strict-\(UUID().uuidString).service")
        try withoutAddBack.write(to: strict, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: strict) }
        let killed = try ExternalTool.outcome(executable: filter, [strict.path, BinaryTests.binary.path, "--version"])
        #expect(killed.status == 31, "killed by SIGSYS, as systemd's filter kills it: \(killed.status) \(killed.standardError)")
    }

    @Test func dashboardIsPortable() throws {
        let data = try Data(contentsOf: Self.repository.appendingPathComponent("dashboards/vodcdn-exporter.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(dashboard["uid"] as? String == "vodcdn-exporter" && dashboard["id"] is NSNull)
        // Import asks for the data source (__inputs) and makes it the variable's default; file
        // provisioning does not substitute inputs, so nothing else may name it: the panels use
        // the variable, which falls back to the default Prometheus.
        let text = String(decoding: data, as: UTF8.self)
        let inputs = try #require(dashboard["__inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["name"] as? String } == ["DS_PROMETHEUS"] && inputs.first?["pluginId"] as? String == "prometheus")
        #expect(text.components(separatedBy: "${DS_").count == 2)
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(variables.compactMap { $0["name"] as? String } == ["datasource", "domain", "area"])
        #expect((variables.first?["current"] as? [String: Any])?["value"] as? String == "${DS_PROMETHEUS}")
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        for panel in panels where panel["type"] as? String != "row" {
            let datasource = panel["datasource"] as? [String: Any]
            #expect(datasource?["uid"] as? String == "${datasource}", "\(panel["title"] ?? "")")
            let expressions = (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
            #expect(!expressions.isEmpty, "\(panel["title"] ?? "")")
            // One series per domain whatever the pods: nothing splits by instance or pod.
            #expect(!expressions.contains { $0.contains("instance") || $0.contains("pod") }, "\(panel["title"] ?? "")")
        }
    }
}
