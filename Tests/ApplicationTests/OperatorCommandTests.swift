import Foundation
import Primitives
import Testing
import TestSupport

/// Every operator command, run as a user would, against `simulate`.
@Suite(.serialized) struct OperatorCommandTests {
    final class Simulator {
        let process: ServingProcess
        var environment: [String: String] {
            ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSimulatorKeyId", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SimulatorSecretNotForProduction",
             "VODCDN_ALIYUN_ENDPOINT": "http://127.0.0.1:\(process.port)", "VODCDN_API_RETRIES": "0"]
        }

        /// - Parameter clock: a time the simulator's clock stands still at, for output that is the same at every run.
        init(taskDuration: String = "1s", clock: String? = nil) throws {
            process = try ServingProcess(arguments: ["simulate", "--web.listen-address", "127.0.0.1:0", "--task-duration", taskDuration] + (clock.map { ["--clock", $0] } ?? []))
        }

        func run(_ arguments: [String], input: String? = nil, environment extra: [String: String] = [:]) throws -> (Int32, String, String) {
            try BinaryTests.run(arguments, environment: environment.merging(extra) { _, new in new }, input: input ?? "")
        }

        func json(_ arguments: [String]) throws -> [String: Any] {
            let (status, output, errors) = try run(arguments + ["--output", "json"])
            #expect(status == 0, "\(arguments): \(errors)")
            return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        }

        deinit { _ = try? process.terminate() }
    }

    /// One rule for exit statuses in every command: 64 for what the user typed (flags,
    /// arguments, URLs, ids, files named on the command line), 1 for failures at run time. Every
    /// message is plain words with the offending value, and no secret.
    @Test func exitStatusesFollowOneRule() throws {
        let simulator = try Simulator()
        let cases: [([String], Int32, String)] = [
            (["refresh", "notaurl"], 64, "notaurl"),
            (["refresh", "https://video.example.com/a\nb.mp4"], 64, "https://video.example.com/a\\u{a}b.mp4"),
            (["refresh", "--from", "/nonexistent/urls.txt"], 64, "--from: cannot read /nonexistent/urls.txt: No such file or directory"),
            (["tasks", "--task-id", "abc;rm"], 64, "TaskId must be digits"),
            (["tasks", "--type", "everything"], 64, "everything"),
            (["traffic", "--domain", "video.example.com", "--start", "yesterday"], 64, "yesterday"),
            (["logs", "--domain", "video.example.com", "--download", "/proc/version/logs"], 64, "--download: cannot write /proc/version: it exists and is not a folder"),
            (["quota", "--output", "xml"], 64, "xml"),
            (["quota", "--aliyun.endpoint", "https://AKID:s3cretValue@vod.example.com"], 64, "<user info>@vod.example.com"),
            (["quota", "--profile", ""], 64, "--profile"),
            (["refresh", "https://not-mine.example.org/a.mp4"], 1, "InvalidDomain.NotFound"),
            (["domains", "--aliyun.endpoint", "http://127.0.0.1:9"], 1, "DescribeVodUserDomains failed"),
            // Said before any call (here the endpoint would refuse the first one).
            (["usage", "--output", "xml", "--aliyun.endpoint", "http://127.0.0.1:9"], 64, "xml"),
            (["usage", "--price-file", "/nonexistent/prices.json", "--aliyun.endpoint", "http://127.0.0.1:9"], 64, "/nonexistent/prices.json"),
        ]
        for (arguments, expected, message) in cases {
            let (status, _, errors) = try simulator.run(arguments)
            #expect(status == expected && errors.contains(message), "\(arguments): \(status) \(errors)")
            #expect(!errors.contains("s3cretValue") && !errors.contains("NSCocoaErrorDomain") && !errors.contains("SimulatorSecretNotForProduction"))
        }
    }

    /// The shape of every command's `--output json` document (keys and value types) is a
    /// contract with scripts: it is kept in Golden/json-shapes.txt.
    @Test func jsonDocumentsKeepTheirShape() throws {
        let simulator = try Simulator()
        let commands: [(String, [String])] = [
            ("refresh", ["refresh", "https://video.example.com/shape.mp4"]),
            ("preload", ["preload", "https://video.example.com/shape.mp4"]),
            ("refresh --dry-run", ["refresh", "--dry-run", "https://video.example.com/shape.mp4"]),
            ("tasks", ["tasks", "--type", "file"]),
            ("quota", ["quota"]),
            ("traffic", ["traffic", "--domain", "video.example.com", "--since", "1h"]),
            ("bandwidth", ["bandwidth", "--domain", "video.example.com", "--since", "1h"]),
            ("logs", ["logs", "--domain", "video.example.com", "--since", "24h"]),
            ("domains", ["domains"]),
            ("check", ["check", "--domain", "video.example.com"]),
            ("usage", ["usage", "--day", Self.chinaDate(Int64(Date().timeIntervalSince1970) - 86_400), "--domain", "video.example.com"]),
        ]
        var shapes: [String] = []
        for (name, arguments) in commands {
            let (_, output, errors) = try simulator.run(arguments + ["--output", "json"])
            let document = try #require(try? JSONSerialization.jsonObject(with: Data(output.utf8)), "\(name): \(output)\(errors)")
            shapes.append("\(name): " + Self.shape(document))
        }
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/json-shapes.txt")
        let expected = (try? String(contentsOf: golden, encoding: .utf8)) ?? ""
        #expect(shapes.joined(separator: "\n") + "\n" == expected, "got:\n\(shapes.joined(separator: "\n"))")
    }

    /// The China-time date of a time, `2026-12-06`.
    static func chinaDate(_ time: Int64) -> String {
        String(UTCTimestamp.format(time + 8 * 3600).prefix(10))
    }

    /// `usage` against a simulator whose clock stands at 2026-12-01 01:00 UTC: November (China
    /// time) and one of its days, as a table, JSON and CSV, with the sample price file of
    /// docs/usage.md. Our 95th percentile equals the API's (the simulator follows the definition).
    @Test func usageOutputsMatchTheirGoldenFiles() throws {
        let simulator = try Simulator(clock: "2026-12-01T01:00:00Z")
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        let prices = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString).json")
        try Self.samplePrices.write(to: prices, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: prices) }
        let cases: [(String, [String])] = [
            ("usage-month.txt", ["usage", "--month", "2026-11", "--price-file", prices.path]),
            ("usage-month.json", ["usage", "--month", "2026-11", "--price-file", prices.path, "--output", "json"]),
            ("usage-day.csv", ["usage", "--day", "2026-11-20", "--domain", "video.example.com,live.example.com", "--output", "csv"]),
        ]
        for (file, arguments) in cases {
            let (status, output, errors) = try simulator.run(arguments + ["--api.max-qps", "200"])
            #expect(status == 0, "\(arguments): \(errors)")
            let expected = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
            #expect(output == expected, "\(file) differs; got:\n\(output)")
            if arguments.contains("--month") {
                #expect(errors.contains("usage: vod.example.org (4/4)"), "progress on standard error: \(errors)")
            }
        }
        let (refused, _, why) = try simulator.run(["usage", "--month", "2026-11", "--day", "2026-11-02"])
        #expect(refused == 64 && why.contains("not both"))
    }

    /// The sample price file of docs/usage.md.
    static let samplePrices = """
        {"currency": "CNY", "method": "traffic",
         "domestic": [{"up_to": 10240, "price": 0.24}, {"up_to": 51200, "price": 0.23}, {"up_to": 512000, "price": 0.21}, {"price": 0.18}],
         "overseas": [{"price": 0.5}]}
        """

    /// Keys and value types, arrays as the shape of their first element.
    static func shape(_ value: Any) -> String {
        switch value {
        case let object as [String: Any]: return "{" + object.keys.sorted().map { "\($0): \(shape(object[$0]!))" }.joined(separator: ", ") + "}"
        case let array as [Any]: return "[" + (array.first.map(shape) ?? "") + "]"
        case let number as NSNumber: return String(cString: number.objCType) == "c" ? "bool" : "number"
        case is String: return "string"
        case is NSNull: return "null"
        default: return "?"
        }
    }

    @Test func quotaDomainsAndHelp() throws {
        let simulator = try Simulator()
        let quota = try simulator.json(["quota"])["quota"] as? [String: [String: Int]]
        #expect(quota?["url"]?["quota"] == 2000 && quota?["preload"]?["remaining"] == 500)
        let (status, table, _) = try simulator.run(["quota"])
        #expect(status == 0 && table.hasPrefix("KIND") && table.contains("directory"))
        let domains = try simulator.json(["domains", "--status", "online"])["domains"] as? [[String: Any]]
        #expect(domains?.compactMap { $0["domain"] as? String } == ["video.example.com", "live.example.com", "cdn.example.net", "vod.example.org"])
        for command in ["refresh", "preload", "tasks", "quota", "traffic", "bandwidth", "logs", "domains", "check"] {
            let (helpStatus, help, _) = try simulator.run([command, "--help"])
            #expect(helpStatus == 0 && help.contains("Example") && help.contains("--aliyun.endpoint"), "\(command)")
        }
    }

    @Test func refreshAndPreloadCheckInputAndQuota() throws {
        let simulator = try Simulator()
        // De-duplicated, from arguments and standard input together with --from.
        var (status, output, errors) = try simulator.run(["refresh", "https://video.example.com/a.mp4", "https://video.example.com/a.mp4", "https://video.example.com/b.mp4"])
        #expect(status == 0 && output.contains("2 URLs in 1 request"), "\(errors)")
        (status, output, errors) = try simulator.run(["preload", "--from", "-", "--area", "overseas"], input: "https://live.example.com/x.m3u8\n# comment\n\nhttps://live.example.com/y.m3u8\n")
        #expect(status == 0 && output.contains("2 URLs in 1 request"), "\(errors)")
        // Bad input is refused before any call.
        (status, _, errors) = try simulator.run(["refresh", "ftp://video.example.com/a", "https://ok.example.com/x", "not a url"])
        #expect(status == 64 && errors.contains("ftp://video.example.com/a") && errors.contains("not a url"))
        (status, _, errors) = try simulator.run(["refresh", "https://video.example.com/a\nb.mp4"])
        #expect(status == 64, "\(errors)")
        (status, _, errors) = try simulator.run(["refresh"], input: "")
        #expect(status == 64 && errors.contains("no URLs"))
        (status, _, errors) = try simulator.run(["refresh", "--directory", "--regex", "https://video.example.com/"])
        #expect(status == 64 && errors.contains("exclude each other"))
        (status, _, errors) = try simulator.run(["preload", "--area", "mars", "https://video.example.com/a"])
        #expect(status == 64)
        // An API refusal: the code, the request id and the troubleshooting link, exit 1.
        (status, _, errors) = try simulator.run(["refresh", "https://not-mine.example.org/a.mp4"])
        #expect(status == 1 && errors.contains("InvalidDomain.NotFound") && errors.contains("RequestId") && errors.contains("troubleshoot"))
        #expect(!errors.contains("SimulatorSecretNotForProduction"))

        // 1,500 URLs: two requests of at most 1,000; then the quota cannot cover another 1,500.
        let many = (0..<1500).map { "https://cdn.example.net/v/\($0).mp4" }.joined(separator: "\n")
        (status, output, errors) = try simulator.run(["refresh"], input: many)
        #expect(status == 0 && output.contains("1500 URLs in 2 requests"), "\(errors)")
        (status, _, errors) = try simulator.run(["refresh"], input: many.replacingOccurrences(of: "/v/", with: "/w/"))
        #expect(status == 1 && errors.contains("1500 url paths need more than today's remaining url quota (498 of 2000)") && errors.contains("--force-quota"))
        (status, _, errors) = try simulator.run(["refresh", "--force-quota"], input: many.replacingOccurrences(of: "/v/", with: "/w/"))
        #expect(status == 1 && errors.contains("QuotaExceeded.Refresh"))
        // A dry run says what the real one would meet, and fails as it would.
        (status, output, errors) = try simulator.run(["refresh", "--dry-run"], input: many.replacingOccurrences(of: "/v/", with: "/x/"))
        #expect(status == 1 && output.contains("2  ") && errors.contains("dry run: 1002 url paths short of today's remaining url quota (498 of 2000)")
                && errors.contains("would be refused"), "\(output)\(errors)")
        (status, _, errors) = try simulator.run(["refresh", "--dry-run"], input: "https://cdn.example.net/one.mp4\n")
        #expect(status == 0, "\(errors)")
        // A directory is a path ending in "/"; without it, a clear word and nothing sent.
        (status, _, errors) = try simulator.run(["refresh", "--directory", "https://video.example.com/movies"])
        #expect(status == 64 && errors.contains("--directory takes directories, which end with \"/\": https://video.example.com/movies (a directory would be https://video.example.com/movies/)"), "\(errors)")

        // Paging: all 1,500 tasks of the big refresh come back (30 pages of 50).
        let tasks = try simulator.json(["tasks", "--type", "file"])["tasks"] as? [[String: Any]]
        #expect(tasks?.count == 1502)
    }

    /// 2,500 URLs against a 2,000-URL quota: the first two batches are purged, the third is
    /// refused. What was accepted is never lost: its task ids are printed as each batch is
    /// accepted (and listed in the JSON document), and the URLs not sent can be retried alone.
    /// A backfill of two days for one domain: promtool turns it into blocks, and the traffic in
    /// them is exactly what `traffic` reports for the same buckets; a run after an interrupted one
    /// goes on where it stopped.
    @Test func backfillGivesBlocksWithTheAPIsTotals() throws {
        let simulator = try Simulator()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backfill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("history.om").path
        let end = (Int64(Date().timeIntervalSince1970) - 3600) / 300 * 300
        let (start, stop) = (UTCTimestamp.format(end - 2 * 86_400), UTCTimestamp.format(end))
        // VODCDN_OUTPUT means table or json to every other command: never a file name here.
        let (misread, _, misreadErrors) = try simulator.run(["backfill", "--domain", "video.example.com", "--since", "1h"], environment: ["VODCDN_OUTPUT": "json"])
        #expect(misread == 64 && misreadErrors.contains("give --output FILE or --remote-write.url URL") && !FileManager.default.fileExists(atPath: "json"))
        let (status, summary, errors) = try simulator.run(["backfill", "--domain", "video.example.com", "--start", start, "--end", stop, "--output", output])
        #expect(status == 0 && summary.contains("wrote 2304 samples of 1 domain"), "\(summary)\(errors)")
        #expect(!FileManager.default.fileExists(atPath: output + ".parts"))
        let blocks = folder.appendingPathComponent("data").path
        let created = try ExternalTool.outcome("promtool", ["tsdb", "create-blocks-from", "openmetrics", output, blocks])
        #expect(created.status == 0, "\(created.standardOutput)\(created.standardError)")
        // Sum the traffic samples in the blocks (promtool tsdb dump prints one sample a line; it
        // opens the folder as a database, which needs a WAL folder, empty here).
        try FileManager.default.createDirectory(atPath: blocks + "/wal", withIntermediateDirectories: true)
        let dump = try ExternalTool.run("promtool", ["tsdb", "dump", "--match", "{__name__=\"aliyun_vod_bucket_traffic_bytes\"}", blocks])
        let samples = dump.split(separator: "\n").compactMap { line in line.split(separator: " ").dropLast().last.flatMap { Double($0) } }
        #expect(samples.count == 2 * 576)
        let total = try simulator.json(["traffic", "--domain", "video.example.com", "--start", start, "--end", stop])
        let series = try #require((total["series"] as? [[String: Any]])?.first)
        #expect((series["total"] as? Double).map { abs($0 - samples.reduce(0, +)) < 1 } == true, "\(series["total"] ?? "-") against \(samples.reduce(0, +))")
        // Resumed: a domain fetched by an interrupted run is not asked again.
        try FileManager.default.createDirectory(atPath: output + ".parts", withIntermediateDirectories: true)
        for family in ["aliyun_vod_bucket_traffic_bytes", "aliyun_vod_bucket_peak_bandwidth_bytes_per_second"] {
            try "\(family){area=\"domestic\",domain=\"live.example.com\"} 1 \(end - 300)\n"
                .write(toFile: "\(output).parts/live.example.com.\(family)", atomically: true, encoding: .utf8)
        }
        let (again, _, _) = try simulator.run(["backfill", "--domain", "video.example.com,live.example.com", "--start", start, "--end", stop, "--output", output])
        #expect(again == 0)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("aliyun_vod_bucket_traffic_bytes{area=\"domestic\",domain=\"live.example.com\"} 1 \(end - 300)\n"), "the cached part was used")
        #expect(text.hasSuffix("# EOF\n"))
    }

    @Test func aPartlyFailedPurgeKeepsWhatWasAccepted() throws {
        let simulator = try Simulator()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unsent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let urls = (0..<2500).map { "https://cdn.example.net/p/\($0).mp4" }
        let unsent = folder.appendingPathComponent("unsent.txt").path

        // A dry run shows the batches and the shortfall, sends nothing, and exits 1 as the real
        // command would be refused.
        var (status, output, errors) = try simulator.run(["refresh", "--dry-run"], input: urls.joined(separator: "\n"))
        #expect(status == 1 && output.contains("2500 url paths in 3 requests") && output.contains("2000 of 2000 remain") && output.contains("500 short"), "\(output)\(errors)")
        #expect(errors.contains("dry run: 500 url paths short"))
        #expect(try simulator.json(["quota"])["quota"].flatMap { ($0 as? [String: [String: Int]])?["url"]?["remaining"] } == 2000)

        (status, output, errors) = try simulator.run(["refresh", "--force-quota", "--unsent", unsent], input: urls.joined(separator: "\n"))
        #expect(status == 1)
        let accepted = output.split(separator: "\n").filter { $0.hasPrefix("batch ") && $0.contains("accepted") }
        #expect(accepted.count == 2 && accepted[0].hasPrefix("batch 1/3 accepted: 1000 URLs, task "), "\(output)")
        #expect(errors.contains("batch 3/3 failed") && errors.contains("QuotaExceeded.Refresh") && errors.contains("500 URLs were not sent; 2000 accepted in 2 batches"))
        #expect(errors.contains("tasks --task-id ") && errors.contains("refresh --from \(unsent)"), "\(errors)")
        #expect(try String(contentsOfFile: unsent, encoding: .utf8) == urls.suffix(500).joined(separator: "\n") + "\n")

        // The same in JSON (a fresh account): every accepted batch, the failed one, the URLs not sent.
        let fresh = try Simulator()
        (status, output, errors) = try fresh.run(["refresh", "--force-quota", "--output", "json"], input: urls.joined(separator: "\n"))
        #expect(status == 1, "\(errors)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let batches = try #require(document["accepted"] as? [[String: Any]])
        #expect(batches.map { $0["urls"] as? Int } == [1000, 1000] && batches.allSatisfy { ($0["taskIds"] as? [String])?.count == 1 })
        #expect((document["taskIds"] as? [String])?.count == 2 && document["acceptedURLs"] as? Int == 2000)
        let failed = try #require(document["failed"] as? [String: Any])
        #expect(failed["code"] as? String == "QuotaExceeded.Refresh" && failed["batch"] as? Int == 3 && failed["urls"] as? Int == 500)
        #expect((document["unsent"] as? [String]) == Array(urls.suffix(500)))
    }

    /// `--profile` picks a profile of ~/.aliyun/config.json; one that does not exist is an error,
    /// never a fall-through to another source; `check` says which profile was used.
    @Test func profilesOfTheCLIConfigFile() throws {
        let simulator = try Simulator()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".aliyun"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try #"{"current":"prod","profiles":[{"name":"prod","mode":"AK","access_key_id":"LTAI5tSimulatorKeyId","access_key_secret":"wrong"},"#
            .appending(#"{"name":"sim","mode":"AK","access_key_id":"LTAI5tSimulatorKeyId","access_key_secret":"SimulatorSecretNotForProduction"}]}"#)
            .write(to: home.appendingPathComponent(".aliyun/config.json"), atomically: true, encoding: .utf8)
        let fromFile = ["HOME": home.path, "ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ""]
        var (status, _, errors) = try simulator.run(["quota"], environment: fromFile)
        #expect(status == 1 && errors.contains("SignatureDoesNotMatch"), "the file's current profile: \(errors)")
        (status, _, errors) = try simulator.run(["quota", "--profile", "sim"], environment: fromFile)
        #expect(status == 0, "\(errors)")
        (status, _, errors) = try simulator.run(["quota"], environment: fromFile.merging(["ALIBABA_CLOUD_PROFILE": "sim"]) { $1 })
        #expect(status == 0, "\(errors)")
        (status, _, errors) = try simulator.run(["quota", "--profile", "nope"], environment: fromFile)
        #expect(status == 1 && errors.contains("no profile named 'nope'") && errors.contains("ecs ram role: skipped (profile 'nope' was asked for"), "\(errors)")
        let (_, table, _) = try simulator.run(["check", "--profile", "sim", "--domain", "video.example.com"], environment: fromFile)
        #expect(table.contains("from cli profile (access key), profile sim"), "\(table)")
    }

    /// On a terminal every retry is a line on stderr: a slow command is never silently retrying.
    @Test func retriesAreShownOnATerminal() throws {
        let simulator = try Simulator()
        #expect(try TestClient(port: simulator.process.port).request("/-/simulator/faults?set=throttle", method: "POST").status == 200)
        // script(1) gives the command a terminal; its output is what the terminal showed.
        let terminal = try ExternalTool.outcome(
            executable: URL(fileURLWithPath: "/usr/bin/script"), ["-qec", "\(BinaryTests.binary.path) quota --api.retries 1", "/dev/null"],
            environment: simulator.environment)
        #expect(terminal.status == 1)
        #expect(terminal.standardOutput.contains("DescribeVodRefreshQuota: attempt 1 of 2 failed (throttled Throttling); retrying in"), "\(terminal.standardOutput)")
        // Not on a terminal (a script's pipe): only the final error.
        let (status, _, errors) = try simulator.run(["quota", "--api.retries", "1"])
        #expect(status == 1 && !errors.contains("retrying in") && errors.contains("Throttling"))
    }

    /// Choices that change what gets purged, or skip a safety check, come from the command line
    /// only: a stale variable never turns a file purge into a directory purge.
    @Test func destructiveChoicesIgnoreTheEnvironment() throws {
        let simulator = try Simulator()
        let submitted = try simulator.run(["refresh", "https://video.example.com/movies/a.mp4", "--output", "json"],
                                          environment: ["VODCDN_DIRECTORY": "true", "VODCDN_FORCE": "true"])
        #expect(submitted.0 == 0 && submitted.2.contains("VODCDN_DIRECTORY is ignored") && submitted.2.contains("VODCDN_FORCE is ignored"))
        let ids = try #require((try JSONSerialization.jsonObject(with: Data(submitted.1.utf8)) as? [String: Any])?["taskIds"] as? [String])
        let tasks = try simulator.json(["tasks", "--task-id", ids.joined(separator: ",")])["tasks"] as? [[String: Any]]
        #expect(tasks?.first?["type"] as? String == "file", "\(String(describing: tasks))")
        let (_, help, _) = try simulator.run(["refresh", "--help"])
        #expect(help.contains("command line only (VODCDN_DIRECTORY is ignored)") && help.contains("command line only (VODCDN_FORCE_QUOTA is ignored)"))
    }

    @Test func tasksWaitFollowsTasksAndFailsOnFailure() throws {
        let simulator = try Simulator(taskDuration: "3s")
        let submitted = try simulator.json(["refresh", "https://video.example.com/ok.mp4", "https://video.example.com/fail/b.mp4"])
        let ids = try #require(submitted["taskIds"] as? [String])
        let (status, output, errors) = try simulator.run(["tasks", "--task-id", ids.joined(separator: ","), "--wait", "--poll-interval", "200ms"])
        #expect(status == 1, "\(output)\(errors)")
        #expect(errors.contains("2 refreshing of 2 tasks") && errors.contains("1 complete, 1 failed of 2 tasks"))
        #expect(output.contains("Origin Timeout") && errors.contains("1 of 2 tasks failed"))
        let (okStatus, _, _) = try simulator.run(["tasks", "--task-id", ids[0], "--wait", "--poll-interval", "200ms"], environment: [:])
        #expect(okStatus == 1)  // the same id covers both URLs
        let (usageStatus, _, usage) = try simulator.run(["tasks", "--wait"])
        #expect(usageStatus == 64 && usage.contains("--wait needs --task-id"))
        // An id the API would refuse is the user's input: a usage error, nothing sent.
        let (idStatus, _, idError) = try simulator.run(["tasks", "--task-id", "abc;rm"])
        #expect(idStatus == 64 && idError.contains("TaskId must be digits, got 'abc;rm'"), "\(idError)")
        // --status alone asks every type; output and filter share one vocabulary.
        let failed = try simulator.json(["tasks", "--status", "failed"])["tasks"] as? [[String: Any]] ?? []
        #expect(!failed.isEmpty && failed.allSatisfy { $0["status"] as? String == "failed" })
        let all = try simulator.json(["tasks", "--task-id", ids.joined(separator: ",")])["tasks"] as? [[String: Any]] ?? []
        #expect(all.allSatisfy { ($0["progress"] as? Double).map { (0...100).contains($0) } == true }, "progress is a number")
        // A row per task, with its URLs counted by status; --urls for each URL.
        let (_, perTask, _) = try simulator.run(["tasks", "--task-id", ids[0]])
        #expect(perTask.split(separator: "\n").count == 3 && perTask.contains("1 complete, 1 failed") && perTask.contains("(+1)")
                && perTask.contains("of 2 URLs in 1 tasks"), "\(perTask)")
        let (_, perURL, _) = try simulator.run(["tasks", "--task-id", ids[0], "--urls"])
        #expect(perURL.split(separator: "\n").count == 3 && perURL.contains("https://video.example.com/ok.mp4") && perURL.contains("https://video.example.com/fail/b.mp4"))
        let (_, rawJSON, _) = try simulator.run(["tasks", "--task-id", ids[0], "--output", "json"])
        #expect(rawJSON.contains("\"https://video.example.com/") && !rawJSON.contains("\\/"), "URLs unescaped")
    }

    @Test func trafficAndBandwidth() throws {
        let simulator = try Simulator()
        let traffic = try simulator.json(["traffic", "--domain", "video.example.com", "--since", "2h"])["series"] as? [[String: Any]]
        let series = try #require(traffic?.first)
        let points = try #require(series["points"] as? [[String: Any]])
        #expect(points.count >= 20 && series["interval"] as? Int == 300)
        #expect(series["total"] as? Double == points.compactMap { $0["value"] as? Double }.reduce(0, +))
        let perDomain = try simulator.json(["bandwidth", "--domain", "video.example.com,live.example.com", "--since", "1h", "--per-domain"])["series"] as? [[String: Any]]
        #expect(perDomain?.count == 2)
        let summed = try simulator.json(["bandwidth", "--domain", "video.example.com", "--domain", "live.example.com", "--since", "1h"])["series"] as? [[String: Any]]
        #expect(summed?.count == 1 && (summed?.first?["domains"] as? [String])?.count == 2)
        let hourly = try simulator.json(["traffic", "--domain", "video.example.com", "--start", "-2d", "--end", "now", "--interval", "3600"])["series"] as? [[String: Any]]
        #expect(hourly?.first?["interval"] as? Int == 3600)
        let (table, output, _) = try simulator.run(["traffic", "--domain", "video.example.com", "--since", "1h"])
        #expect(table == 0 && output.contains("total: ") && output.contains(" GB"))
        // A domain the account does not have is an error, as the API answers it, not a quiet "0 B".
        let (unknown, _, unknownErrors) = try simulator.run(["traffic", "--domain", "nope.example", "--since", "1h"])
        #expect(unknown == 1 && unknownErrors.contains("InvalidDomain.NotFound") && unknownErrors.contains("→ the domain is not on this account"), "\(unknownErrors)")
        for bad in [["traffic"], ["traffic", "--domain", "a", "--since", "soon"], ["traffic", "--domain", "a", "--start", "yesterday"],
                    ["traffic", "--domain", "a", "--interval", "60"], ["traffic", "--domain", "a", "--since", "1h", "--start", "-2h"]] {
            let (status, _, errors) = try simulator.run(bad)
            #expect(status == 64, "\(bad): \(errors)")
        }
    }

    @Test func logsListAndResumableDownload() throws {
        let simulator = try Simulator()
        // Three hours that ended at least an hour ago: listed whatever the minute, the same in both calls.
        let end = (Int64(Date().timeIntervalSince1970) / 3600 - 1) * 3600
        let window = ["--start", UTCTimestamp.format(end - 3 * 3600), "--end", UTCTimestamp.format(end)]
        let files = try #require(try simulator.json(["logs", "--domain", "video.example.com"] + window)["files"] as? [[String: Any]])
        #expect(files.count == 3)
        let first = try #require(files.first), name = try #require(first["name"] as? String), size = try #require(first["size"] as? Int)
        let url = try #require(first["url"] as? String)
        let full = try TestClient(port: simulator.process.port).request(try #require(URLComponents(string: url)?.path)).body
        #expect(full.count == size && full.prefix(2) == [0x1F, 0x8B])

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // An interrupted earlier download left half of the first file.
        try Data(full.prefix(size / 2)).write(to: folder.appendingPathComponent(name + ".part"))
        // A second file is already complete.
        let second = try #require(files.dropFirst().first), secondName = try #require(second["name"] as? String)
        let secondURL = try #require(second["url"] as? String)
        let secondPath = try #require(URLComponents(string: secondURL)?.path)
        try Data(try TestClient(port: simulator.process.port).request(secondPath).body).write(to: folder.appendingPathComponent(secondName))

        let (status, output, errors) = try simulator.run(["logs", "--domain", "video.example.com"] + window + ["--download", folder.path])
        #expect(status == 0, "\(errors)")
        #expect(output.contains("\(name)  downloaded (resumed at \(size / 2) bytes)") && output.contains("\(secondName)  skipped (complete)"))
        #expect(try Data(contentsOf: folder.appendingPathComponent(name)) == Data(full))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".part") }.isEmpty)
        #expect(errors.contains("[1/\(files.count)]"))
    }

    @Test func checkDiagnosesTheSetup() throws {
        let simulator = try Simulator()
        let (status, output, errors) = try simulator.run(["check"])
        #expect(status == 0, "\(output)\(errors)")
        #expect(output.contains("credentials") && output.contains("from environment") && output.contains("DescribeVodDomainLog") && !output.contains("fail "))
        #expect(output.contains("http client") && output.contains("libcurl"))
        let (badStatus, badOutput, _) = try simulator.run(["check", "--output", "json"], environment: ["ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong-secret"])
        #expect(badStatus == 1 && badOutput.contains("SignatureDoesNotMatch") && !badOutput.contains("wrong-secret"))
        let (noKey, noKeyOutput, _) = try simulator.run(["check"], environment: ["ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "",
                                                                              "VODCDN_ALIYUN_METADATA_ENDPOINT": "http://127.0.0.1:9"])
        #expect(noKey == 1 && noKeyOutput.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"))
    }
}
