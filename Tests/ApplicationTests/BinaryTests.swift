import Foundation
import Testing
import TestSupport

/// Runs the built binary as users do: flags, exit codes, serving, signals.
@Suite(.serialized) struct BinaryTests {
    static var binary: URL {
        // The test runner sits in the build folder next to the binary.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vodcdn-exporter")
    }

    /// Runs to completion and returns status, stdout and stderr (read concurrently, so a long
    /// output cannot fill a pipe and stall the process).
    static func run(_ arguments: [String], environment: [String: String] = [:], input: String = "", workingDirectory: URL? = nil) throws -> (Int32, String, String) {
        let outcome = try ExternalTool.outcome(executable: binary, arguments, input: Array(input.utf8), environment: environment, workingDirectory: workingDirectory)
        return (outcome.status, outcome.standardOutput, outcome.standardError)
    }

    static let credentials = ["ALIBABA_CLOUD_ACCESS_KEY_ID": "test-id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "test-secret"]

    /// Polls `condition` every 50 ms for up to 60 s.
    static func waitUntil(_ condition: () -> Bool) {
        // Returns as soon as the condition holds; the limit only ends a wait that would never
        // succeed, so it is generous: the suite runs processes side by side on a shared machine.
        TestSupport.waitUntil(timeout: 60, every: 0.05, condition)
    }

    /// Waits until each of `collectors` has finished a run and published it.
    static func waitForRuns(port: UInt16, _ collectors: [String]) {
        waitUntil {
            let body = (try? TestClient(port: port).request("/metrics").text) ?? ""
            return collectors.allSatisfy { body.contains("aliyun_vod_exporter_collector_runs_total{collector=\"\($0)\"}") }
        }
    }

    /// Where /proc is not mounted (a chroot, a minimal container), the Swift runtime's copy of
    /// the command line is empty; the binary reads it from the C library instead, so its flags
    /// still count (it once ran the agent with defaults there). Run with /proc unmounted in a
    /// private mount namespace, and without a network, so nothing could leave the machine.
    @Test func theCommandLineIsReadWithoutProc() throws {
        let script = "umount -l /proc && exec timeout 20 \"$0\" \"$@\""
        let outcome = try ExternalTool.outcome("unshare", ["--net", "--mount", "--propagation", "private", "sh", "-c", script,
                                                         Self.binary.path, "--version"])
        #expect(outcome.status == 0 && outcome.standardOutput.hasPrefix("vodcdn-exporter, version "), "\(outcome.standardOutput)\(outcome.standardError)")
    }

    @Test func versionAndHelp() throws {
        let (status, output, _) = try Self.run(["--version"])
        // node_exporter's shape; a test build is not stamped, so revision and branch are unknown.
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 0 && lines.count == 5 && lines[0].hasPrefix("vodcdn-exporter, version 0.") && lines[0].hasSuffix("(branch: unknown, revision: unknown)"))
        #expect(lines.dropFirst().map { $0.prefix(20).trimmingCharacters(in: .whitespaces) } == ["build user:", "build date:", "swift version:", "platform:"], "\(lines)")
        let (helpStatus, help, _) = try Self.run(["--help"])
        #expect(helpStatus == 0 && help.contains("--web.listen-address ADDRESS") && help.contains("VODCDN_WEB_LISTEN_ADDRESS"))
        #expect(help.contains("(default: :10790)"))
    }

    @Test(arguments: [
        (["--web.listen-adress", ":1"], "did you mean --web.listen-address?"),
        (["--web.listen-address", "[::1:80"], "unbalanced"),
        (["--log.format", "xml"], "logfmt or json"),
        (["--shard", "1/0"], "--shard: \"1/0\" is not I/N"),
        (["--domain", "a.example.com", "--domains.file", "/x"], "cannot be used together"),
        (["--data.lookback", "1m"], "at least 5m"),
        (["--aliyun.endpoint", "http://vod.example.com"], "--aliyun.endpoint"),
        (["--domains.include", "(["], "not a valid regular expression"),
        (["--domains.file", "/nonexistent/domains.txt"], "--domains.file: cannot read /nonexistent/domains.txt: No such file or directory"),
        (["--domains.file", "/"], "--domains.file: cannot read /: it is a directory"),
        (["--collector.realtime.interval", "5s"], "at least 30s"),
        // Flags that could never count a bucket, or mean nothing, say what works instead.
        (["--data.lookback", "5m"], "--data.lookback 5m is too short for --data.settle-delay 15m"),
        (["--data.lookback", "20m"], "use --data.lookback 1h"),
        (["--data.settle-delay", "30m", "--data.lookback", "30m"], "needs at least 40m (the settle delay + 10m)"),
        (["--data.max-backfill", "-1d"], "--data.max-backfill: \"-1d\" is not a duration of at least 5m"),
        (["--data.settle-delay", "0s"], "--data.settle-delay: \"0s\" is not a duration of at least 5m and at most 1d such as 5m, 15m or 1h"),
    ])
    func usageErrorsExit64(arguments: [String], message: String) throws {
        let (status, output, errors) = try Self.run(arguments)
        #expect(status == 64 && output.isEmpty && errors.contains(message), "\(errors)")
    }

    @Test func addressInUseExits1() throws {
        let first = try ServingProcess(arguments: ["--web.listen-address", "127.0.0.1:0", "--aliyun.endpoint", "http://127.0.0.1:9", "--domain", "a.example.com"],
                                       environment: Self.credentials)
        let (status, _, errors) = try Self.run(["--web.listen-address", "127.0.0.1:\(first.port)"])
        #expect(status == 1 && errors.contains("Address already in use"), "\(errors)")
        #expect(try first.terminate() == 0)
    }

    @Test func servesMetricsAndStopsOnSIGTERM() throws {
        // An API endpoint where nothing listens: the agent keeps serving and says so.
        let serving = try ServingProcess(
            arguments: ["--web.listen-address", "127.0.0.1:0", "--log.format", "json", "--log.level", "debug",
                        "--aliyun.endpoint", "http://127.0.0.1:9", "--domain", "a.example.com", "--api.retries", "0"],
            environment: Self.credentials)
        // No data arrives: not ready, with the reason, and not up.
        Self.waitUntil { (try? TestClient(port: serving.port).request("/-/ready").text.contains("traffic: 1 of 1 failed")) == true }
        let ready = try TestClient(port: serving.port).request("/-/ready")
        #expect(ready.status == 503 && ready.text.contains("DescribeVodDomainTrafficData failed"), "\(ready.text)")
        let response = try TestClient(port: serving.port).request("/metrics")
        #expect(response.status == 200)
        let body = response.text
        #expect(body.contains("aliyun_vod_exporter_build_info{branch=\"unknown\",revision=\"unknown\",swiftversion=\"") && body.contains("version=\"0.1.0\"} 1\n"))
        #expect(body.contains("process_open_fds "))
        #expect(body.contains("aliyun_vod_exporter_collector_success{collector=\"traffic\"} 0\n") && body.contains("aliyun_vod_up 0\n"))
        #expect(body.contains("aliyun_vod_exporter_api_requests_total{action=\"DescribeVodDomainTrafficData\",result=\"transport_error\"}"))
        #expect(try serving.terminate() == 0)
        #expect(serving.standardError.contains("\"msg\":\"stopped listening\""))
        #expect(serving.standardError.contains("\"msg\":\"request\""))
    }
}

/// `--web.config.file` on the running binary: basic auth on the metrics, probes open, extra
/// headers, a file that breaks while running keeps the last good settings and says so.
@Suite(.serialized) struct WebConfigurationFileTests {
    @Test func basicAuthFromTheFileAndReloads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("webconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("web.yml").path
        // Written by Python's bcrypt, as an operator's tool would (cost 4 keeps the test quick).
        let hash = try ExternalTool.run("python3", ["-c", "import bcrypt; print(bcrypt.hashpw(b'scrape-me', bcrypt.gensalt(4)).decode())"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try "basic_auth_users:\n  prometheus: \(hash)\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let demo = try ServingProcess(arguments: ["demo", "--web.listen-address", "127.0.0.1:0", "--web.config.file", file])
        defer { _ = try? demo.terminate() }
        let authorization = "Authorization: Basic " + Data("prometheus:scrape-me".utf8).base64EncodedString()
        BinaryTests.waitUntil { (try? TestClient(port: demo.port).request("/-/ready").status) == 200 }
        #expect(try TestClient(port: demo.port).request("/-/ready").status == 200, "probes need no credentials")
        let refused = try TestClient(port: demo.port).request("/metrics")
        #expect(refused.status == 401 && refused.headers["x-frame-options"] == "deny")
        let wrong = "Authorization: Basic " + Data("prometheus:nope".utf8).base64EncodedString()
        #expect(try TestClient(port: demo.port).request("/metrics", headers: [wrong]).status == 401)
        let scraped = try TestClient(port: demo.port).request("/metrics", headers: [authorization])
        #expect(scraped.status == 200 && scraped.text.contains("aliyun_vod_exporter_web_config_last_reload_successful 1\n"))
        // Broken while running: the previous settings stay, the metric and the log say so.
        try "basic_auth_users:\n  prometheus: plaintext\n".write(toFile: file, atomically: true, encoding: .utf8)
        let after = try TestClient(port: demo.port).request("/metrics", headers: [authorization])
        #expect(after.status == 200 && after.text.contains("aliyun_vod_exporter_web_config_last_reload_successful 0\n"))
        #expect(try demo.terminate() == 0)
        #expect(demo.standardError.contains("web configuration file cannot be used; keeping the previous settings"))
        #expect(!demo.standardError.contains("plaintext") && !demo.standardError.contains(hash), "no secret in the log")
    }

    @Test func aBrokenFileAtStartIsAUsageError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString).yml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "basic_auth_user:\n  prometheus: x\n".write(toFile: file, atomically: true, encoding: .utf8)
        let (status, _, errors) = try BinaryTests.run(["--web.config.file", file, "--web.listen-address", "127.0.0.1:0", "--domain", "a.example.com"],
                                                      environment: BinaryTests.credentials)
        #expect(status == 64 && errors.contains("line 1: unknown key basic_auth_user in the file"), "\(errors)")
    }
}

/// The binary running in the background, its port read from its "listening" log line.
final class ServingProcess {
    let process = Process()
    let port: UInt16
    private let errorPipe = Pipe()
    private var errorText = ""

    /// - Parameter executable: the binary, or a program that ends by executing it.
    init(executable: URL = BinaryTests.binary, arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var found: UInt16?
        let deadline = Date().addingTimeInterval(10)
        while found == nil && Date() < deadline {
            let chunk = errorPipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            errorText += String(decoding: chunk, as: UTF8.self)
            if let range = errorText.range(of: #"port[=":]+(\d+)"#, options: .regularExpression) {
                found = UInt16(errorText[range].filter(\.isNumber))
            }
        }
        guard let found else {
            process.terminate()
            throw NSError(domain: "ServingProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "no port in: \(errorText)"])
        }
        port = found
    }

    /// Sends SIGTERM and waits; returns the exit status.
    func terminate() throws -> Int32 {
        process.terminate()
        errorText += String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus
    }

    var standardError: String { errorText }
}

/// The demo, `simulate`, and the agent binary against `simulate`: the whole product on loopback.
@Suite(.serialized) struct EndToEndTests {
    @Test func demoServesRealisticMetricsWithinSeconds() throws {
        let demo = try ServingProcess(arguments: ["demo", "--web.listen-address", "127.0.0.1:0"])
        BinaryTests.waitUntil { (try? TestClient(port: demo.port).request("/-/ready").status) == 200 }
        // Ready once any data collector has data; each collector publishes when its own run ends.
        BinaryTests.waitForRuns(port: demo.port, ["traffic", "bandwidth", "realtime", "usage"])
        let body = try TestClient(port: demo.port).request("/metrics").text
        #expect(body.contains("aliyun_vod_up 1\n"))
        // The usage row: the month's figures, a burst budget and the estimate from the sample prices.
        #expect(body.contains("aliyun_vod_usage_bandwidth_p95_bytes_per_second{domain=\"live.example.com\",source=\"billing\"}"))
        #expect(body.contains("aliyun_vod_usage_burst_points_allowed "))
        #expect(body.contains("aliyun_vod_usage_estimated_cost{currency=\"CNY\",method=\"traffic\",period=\"projected\"}"))
        for domain in ["video.example.com", "live.example.com", "cdn.example.net", "vod.example.org"] {
            #expect(body.contains("aliyun_vod_traffic_bytes_total{area=\"domestic\",domain=\"\(domain)\"}"), "\(domain)")
        }
        #expect(body.contains("aliyun_vod_realtime_responses{code=\"200\",domain=\"live.example.com\"}"))
        #expect(!body.contains("collector_success{collector=\"traffic\"} 0"))
        #expect(try demo.terminate() == 0)
    }

    /// The demo's banner names the scheme the listener speaks: https with TLS on.
    @Test func demoBannerSaysHTTPSWithTLS() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let config = certificates.path("web.yml")
        try "tls_server_config:\n  cert_file: \(certificates.path("server.pem"))\n  key_file: \(certificates.path("server.key"))\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = BinaryTests.binary
        process.arguments = ["demo", "--web.listen-address", "127.0.0.1:0", "--web.config.file", config]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var banner = ""
        let deadline = Date().addingTimeInterval(10)
        while !banner.contains("simulator:") && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        process.terminate()
        process.waitUntilExit()
        let metrics = banner.split(separator: "\n").first { $0.contains("metrics:") } ?? ""
        #expect(metrics.contains("https://127.0.0.1:") && metrics.hasSuffix("/metrics"), "\(banner)")
    }

    @Test func agentAgainstTheSimulator() throws {
        let simulator = try ServingProcess(arguments: ["simulate", "--web.listen-address", "127.0.0.1:0", "--domains", "a.example.com,b.example.com",
                                                       "--access-key-id", "LTAItest", "--access-key-secret", "s3cret"])
        let endpoint = "http://127.0.0.1:\(simulator.port)"
        let agent = try ServingProcess(
            arguments: ["--web.listen-address", "127.0.0.1:0", "--aliyun.endpoint", endpoint, "--aliyun.signature-version", "v2", "--log.level", "debug"],
            environment: ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAItest", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s3cret"])
        BinaryTests.waitUntil { (try? TestClient(port: agent.port).request("/-/ready").status) == 200 }
        BinaryTests.waitForRuns(port: agent.port, ["traffic", "bandwidth"])
        var body = try TestClient(port: agent.port).request("/metrics").text
        #expect(body.contains("aliyun_vod_up 1\n") && body.contains("aliyun_vod_exporter_domains{state=\"selected\"} 2\n"))
        #expect(body.contains("aliyun_vod_bandwidth_bytes_per_second{area=\"overseas\",domain=\"b.example.com\"}"))
        #expect(body.contains("aliyun_vod_exporter_credentials_info{source=\"environment ("), "which source the chain picked")

        // Wrong credentials, with discovery: the agent keeps serving, says so, and is never ready.
        let refused = try ServingProcess(
            arguments: ["--web.listen-address", "127.0.0.1:0", "--aliyun.endpoint", endpoint],
            environment: ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAItest", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong"])
        BinaryTests.waitUntil { (try? TestClient(port: refused.port).request("/metrics").text.contains("collector_success{collector=\"traffic\"}")) == true }
        body = try TestClient(port: refused.port).request("/metrics").text
        #expect(body.contains("aliyun_vod_up 0\n") && body.contains("result=\"auth_error\""))
        #expect(body.contains("aliyun_vod_exporter_collector_success{collector=\"discovery\"} 0\n"))
        #expect(body.contains("aliyun_vod_exporter_collector_success{collector=\"traffic\"} 0\n"))
        #expect(body.contains("aliyun_vod_exporter_collector_failures_total{collector=\"traffic\",reason=\"no_domain_list\"}"))
        let notReady = try TestClient(port: refused.port).request("/-/ready")
        #expect(notReady.status == 503 && notReady.text.contains("discovery (DescribeVodUserDomains) has not succeeded")
                && notReady.text.contains("it failed with DescribeVodUserDomains failed: SignatureDoesNotMatch"), "the cause, not only the symptom: \(notReady.text)")
        #expect(try refused.terminate() == 0)
        #expect(refused.standardError.contains("SignatureDoesNotMatch") && !refused.standardError.contains("wrong"))
        #expect(try agent.terminate() == 0)
        #expect(agent.standardError.contains("msg=\"credentials in use\" component=agent source=\"environment (") && !agent.standardError.contains("s3cret"),
                "\(agent.standardError.split(separator: "\n").filter { $0.contains("credentials") })")
        #expect(try simulator.terminate() == 0)
    }
}

/// The sharded StatefulSet as users run it: the binary, 8 replicas over an account of 3 domains.
@Suite(.serialized) struct ShardedBinaryTests {
    @Test func threeDomainsOverEightShardsAreAllReady() throws {
        let simulator = try ServingProcess(arguments: ["simulate", "--web.listen-address", "127.0.0.1:0",
                                                       "--domains", "a.example.com,b.example.com,c.example.com"])
        defer { _ = try? simulator.terminate() }
        let shards = try (0..<8).map { index in
            try ServingProcess(arguments: ["--web.listen-address", "127.0.0.1:0", "--aliyun.endpoint", "http://127.0.0.1:\(simulator.port)",
                                           "--shard", "\(index)/8"],
                               environment: ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSimulatorKeyId", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SimulatorSecretNotForProduction"])
        }
        var selected = 0
        for (index, shard) in shards.enumerated() {
            BinaryTests.waitForRuns(port: shard.port, ["traffic"])
            BinaryTests.waitUntil { (try? TestClient(port: shard.port).request("/-/ready").status) == 200 }
            #expect(try TestClient(port: shard.port).request("/-/ready").status == 200, "shard \(index)")
            let body = try TestClient(port: shard.port).request("/metrics").text
            #expect(body.contains("aliyun_vod_up 1\n") && body.contains("aliyun_vod_exporter_shards{shard=\"\(index)\"} 8\n"), "shard \(index)")
            #expect(body.contains("aliyun_vod_exporter_domains{state=\"matched\"} 3\n"))
            let line = body.split(separator: "\n").first { $0.hasPrefix("aliyun_vod_exporter_domains{state=\"selected\"}") }
            selected += Int(line?.split(separator: " ").last ?? "") ?? -100
        }
        #expect(selected == 3, "every domain polled by exactly one shard")
        for shard in shards { #expect(try shard.terminate() == 0) }
    }
}

/// Alibaba's official Python SDKs (installed by scripts/test) call the seven seed operations
/// against `simulate`: signatures verified, answers parsed.
@Suite(.serialized) struct OfficialSDKTests {
    @Test func pythonSDKsWorkAgainstTheSimulator() throws {
        let simulator = try ServingProcess(arguments: ["simulate", "--web.listen-address", "127.0.0.1:0"])
        defer { _ = try? simulator.terminate() }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/sdk-compat/check_python_sdks.py").path
        let outcome = try ExternalTool.outcome("python3", [script, "127.0.0.1:\(simulator.port)", "LTAI5tSimulatorKeyId",
                                                           "SimulatorSecretNotForProduction", "video.example.com"])
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("all calls passed"))
        // A wrong secret is refused (the SDK names it, having compared the server's string to sign).
        let refused = try ExternalTool.outcome("python3", [script, "127.0.0.1:\(simulator.port)", "LTAI5tSimulatorKeyId", "wrong", "video.example.com"])
        #expect(refused.status != 0 && refused.standardError.contains("InvalidAccessKeySecret"))
    }
}

/// Operations of the running agent: SIGHUP, state across restarts.
@Suite(.serialized) struct AgentOperationTests {
    @Test func sighupReloadsTheDomainsFileAndStateSurvivesRestarts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let domainsFile = folder.appendingPathComponent("domains.txt").path
        let stateFile = folder.appendingPathComponent("state.json").path
        try "video.example.com\n".write(toFile: domainsFile, atomically: true, encoding: .utf8)

        let simulator = try ServingProcess(arguments: ["simulate", "--web.listen-address", "127.0.0.1:0"])
        defer { _ = try? simulator.terminate() }
        let arguments = ["--web.listen-address", "127.0.0.1:0", "--aliyun.endpoint", "http://127.0.0.1:\(simulator.port)",
                         "--domains.file", domainsFile, "--state.file", stateFile]
        let agent = try ServingProcess(arguments: arguments, environment: ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSimulatorKeyId",
                                                                          "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SimulatorSecretNotForProduction"])
        func metrics(_ port: UInt16) -> String { (try? TestClient(port: port).request("/metrics").text) ?? "" }
        BinaryTests.waitUntil { metrics(agent.port).contains("aliyun_vod_exporter_domains{state=\"selected\"} 1\n") }
        #expect(metrics(agent.port).contains("aliyun_vod_exporter_domains{state=\"selected\"} 1\n"))

        #expect(metrics(agent.port).contains("aliyun_vod_exporter_config_last_reload_successful 1\n"))

        // A broken file on SIGHUP keeps the previous list and says so.
        try "not a domain!\n".write(toFile: domainsFile, atomically: true, encoding: .utf8)
        kill(agent.process.processIdentifier, SIGHUP)
        BinaryTests.waitUntil { metrics(agent.port).contains("aliyun_vod_exporter_config_last_reload_successful 0\n") }
        #expect(metrics(agent.port).contains("aliyun_vod_exporter_config_last_reload_successful 0\n"))
        #expect(metrics(agent.port).contains("aliyun_vod_exporter_domains{state=\"selected\"} 1\n"))

        try "video.example.com\nlive.example.com\n".write(toFile: domainsFile, atomically: true, encoding: .utf8)
        kill(agent.process.processIdentifier, SIGHUP)
        // The new list shows at once; the new domain's data when the runs SIGHUP asked for end.
        BinaryTests.waitUntil { metrics(agent.port).contains("aliyun_vod_traffic_bytes_total{area=\"domestic\",domain=\"live.example.com\"}") }
        let before = metrics(agent.port)
        #expect(before.contains("aliyun_vod_exporter_domains{state=\"selected\"} 2\n"))
        #expect(before.contains("aliyun_vod_exporter_config_last_reload_successful 1\n"))
        #expect(before.contains("aliyun_vod_exporter_state_save_failures_total 0\n"))
        #expect(try agent.terminate() == 0)
        let state = try String(contentsOfFile: stateFile, encoding: .utf8)
        #expect(state.contains("\"format\":\"vodcdn-exporter-state\"") && state.contains("live.example.com"))

        // A restart from the state continues the counters.
        let restarted = try ServingProcess(arguments: arguments, environment: ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSimulatorKeyId",
                                                                              "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SimulatorSecretNotForProduction"])
        BinaryTests.waitUntil { (try? TestClient(port: restarted.port).request("/-/ready").status) == 200 }
        BinaryTests.waitForRuns(port: restarted.port, ["traffic"])
        let line = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("aliyun_vod_traffic_bytes_total{area=\"domestic\",domain=\"video.example.com\"}") } }
        let totalBefore = try #require(line(before).flatMap { Double($0.split(separator: " ").last!) })
        let totalAfter = try #require(line(metrics(restarted.port)).flatMap { Double($0.split(separator: " ").last!) })
        #expect(totalAfter >= totalBefore)
        _ = try? restarted.terminate()
        #expect(restarted.standardError.contains("state restored"))
    }
}

/// A domain that leaves the account's list for a discovery cycle and returns, with the binary
/// against `simulate`: its series leave and come back, and its counter continues (never down,
/// and unchanged while no new bucket settled) instead of counting the lookback again.
@Suite(.serialized) struct DomainReturnBinaryTests {
    @Test func aDomainThatLeavesTheAccountAndReturnsKeepsItsCounter() throws {
        let simulator = try ServingProcess(arguments: ["simulate", "--web.listen-address", "127.0.0.1:0", "--domains", "a.example.com,b.example.com"])
        defer { _ = try? simulator.terminate() }
        let agent = try ServingProcess(
            arguments: ["--web.listen-address", "127.0.0.1:0", "--aliyun.endpoint", "http://127.0.0.1:\(simulator.port)"],
            environment: ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSimulatorKeyId", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SimulatorSecretNotForProduction"])
        func metrics() -> String { (try? TestClient(port: agent.port).request("/metrics").text) ?? "" }
        func value(_ name: String, _ body: String) -> Double? {
            body.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last!) }
        }
        let counter = #"aliyun_vod_traffic_bytes_total{area="domestic",domain="b.example.com"}"#
        let newest = #"aliyun_vod_data_timestamp_seconds{domain="b.example.com",source="traffic"}"#
        func fault(_ query: String) throws {
            #expect(try TestClient(port: simulator.port).request("/-/simulator/faults?\(query)", method: "POST").status == 200)
        }
        BinaryTests.waitUntil { value(counter, metrics()) != nil }
        let before = metrics()
        let counted = try #require(value(counter, before))
        #expect(counted > 0)

        // Gone for one discovery cycle (SIGHUP runs discovery at once): its series leave.
        try fault("set=hide:b.example.com")
        kill(agent.process.processIdentifier, SIGHUP)
        BinaryTests.waitUntil { metrics().contains("aliyun_vod_exporter_domains{state=\"selected\"} 1\n") }
        let away = metrics()
        #expect(away.contains("aliyun_vod_exporter_domains{state=\"selected\"} 1\n") && value(counter, away) == nil, "withdrawn while away")

        // Back: the counter continues where it stopped, also after the run SIGHUP asks for.
        let runs = #"aliyun_vod_exporter_collector_runs_total{collector="traffic"}"#
        let runsAway = try #require(value(runs, away))
        try fault("clear")
        kill(agent.process.processIdentifier, SIGHUP)
        BinaryTests.waitUntil { value(counter, metrics()) != nil && (value(runs, metrics()) ?? 0) > runsAway }
        let after = metrics()
        #expect(try #require(value(runs, after)) > runsAway, "a run after the return")
        let continued = try #require(value(counter, after))
        #expect(continued >= counted, "never down: \(counted) then \(continued)")
        if value(newest, after) == value(newest, before) {
            #expect(continued == counted, "no bucket settled meanwhile, so nothing was added: \(counted) then \(continued)")
        }
        #expect(try agent.terminate() == 0)
        #expect(agent.standardError.contains("domains left the selection") && agent.standardError.contains("domains returned to the selection"))
    }
}

/// Signature nonces where the usual random device is missing or randomness is refused: never
/// a fixed nonce (which the API refuses as `SignatureNonceUsed` from the second request on).
@Suite(.serialized) struct RandomSourceBinaryTests {
    static let credentials = ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSimulatorKeyId", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SimulatorSecretNotForProduction"]

    /// A bare chroot's `/dev`: `/dev/urandom` and `/dev/random` read nothing (bound to
    /// `/dev/null` in a private mount namespace). Two commands in a row both succeed.
    @Test func withoutDevURandomEveryRequestHasItsOwnNonce() throws {
        let simulator = try ServingProcess(arguments: ["simulate", "--web.listen-address", "127.0.0.1:0"])
        defer { _ = try? simulator.terminate() }
        let script = "mount --bind /dev/null /dev/urandom && mount --bind /dev/null /dev/random && exec env ALIBABA_CLOUD_ACCESS_KEY_ID=\"$1\" ALIBABA_CLOUD_ACCESS_KEY_SECRET=\"$2\" \"$0\" traffic --domain video.example.com --since 1h --aliyun.endpoint \"$3\""
        for attempt in 1...2 {
            let outcome = try ExternalTool.outcome("unshare", ["--mount", "--propagation", "private", "sh", "-c", script, BinaryTests.binary.path,
                                                             Self.credentials["ALIBABA_CLOUD_ACCESS_KEY_ID"]!, Self.credentials["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]!,
                                                             "http://127.0.0.1:\(simulator.port)"])
            #expect(outcome.status == 0 && outcome.standardOutput.contains("total:"), "attempt \(attempt): \(outcome.standardError)")
        }
    }

    /// `getrandom` refused by a system-call filter: the agent and the operator commands stop
    /// before any request, saying why (exit 1).
    @Test func withoutRandomnessNothingIsSigned() throws {
        let filter = "import seccomp, os, errno, sys\nf = seccomp.SyscallFilter(seccomp.ALLOW)\nf.add_rule(seccomp.ERRNO(errno.ENOSYS), 'getrandom')\nf.load()\nos.execv(sys.argv[1], sys.argv[1:])"
        for arguments in [["traffic", "--domain", "a.example.com", "--since", "1h"], ["--web.listen-address", "127.0.0.1:0"]] {
            let outcome = try ExternalTool.outcome(executable: URL(fileURLWithPath: "/usr/bin/python3"),
                                                   ["-c", filter, BinaryTests.binary.path] + arguments + ["--aliyun.endpoint", "http://127.0.0.1:9"],
                                                   environment: Self.credentials)
            #expect(outcome.status == 1, "\(arguments): \(outcome.standardError)")
            #expect(outcome.standardError.contains("cannot sign API requests: the system's random source is unavailable (getrandom: Function not implemented)"))
        }
    }
}

@Suite struct SimulateCommandTests {
    @Test func generatedDomainsAndBadFlags() throws {
        let simulator = try ServingProcess(arguments: ["simulate", "--web.listen-address", "127.0.0.1:0", "--domain-count", "3", "--faults", "slow:1ms"])
        defer { _ = try? simulator.terminate() }
        let info = try TestClient(port: simulator.port).request("/-/simulator").text
        #expect(info.contains("\"d0.example.com\",\"d1.example.com\",\"d2.example.com\"") && info.contains("slow:1ms"))
        for bad in [["simulate", "--faults", "explode"], ["simulate", "--domain-count", "0"], ["simulate", "--domains", ""]] {
            let (status, _, errors) = try BinaryTests.run(bad)
            #expect(status == 64, "\(bad): \(errors)")
        }
    }
}
