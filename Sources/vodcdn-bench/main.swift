import Agent
import Application
import Dispatch
import Exposition
import Foundation
import HTTPClient
import Logging
import MetricsServing
import RemoteWrite
import Simulator
import VODAPI
import WebServer
#if canImport(Glibc)
import Glibc
#endif

/// The benchmark helper `scripts/bench` drives; not part of the product. Subcommands:
///   serve N ADDRESS     serve N synthetic series (plus process metrics) until killed
///   expose N            print the same exposition (to load into the Pushgateway)
///   remote-write SERIES SAMPLES ROUNDS   time encoding a remote-write body (protobuf + snappy) of
///                       SERIES bucket series with SAMPLES samples each, best of ROUNDS
///   render N ROUNDS     time rendering N series (text and OpenMetrics), best of ROUNDS, in ns/series
///   poll DOMAINS QPS LATENCY_MS   one agent cycle against the simulator: wall time, calls, bound
///   memory DOMAINS CYCLES [ENDPOINT [untuned] [usage]]   resident memory after each of CYCLES agent
///                                 cycles (against a simulator at ENDPOINT, so its memory is not
///                                 counted; in-process, or with ENDPOINT `in-process` called without
///                                 HTTP at all); `untuned` skips the agent's allocator settings,
///                                 `usage` adds the usage collector
///   usage-memory DOMAINS   resident memory and state-file size of a month of the usage ledger
///                          for DOMAINS domains, against what its top 5 % + 1 points need
let arguments = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("vodcdn-bench: \(message)\n".utf8))
    exit(64)
}

func integer(_ index: Int) -> Int {
    guard index < arguments.count, let value = Int(arguments[index]) else { fail("argument \(index + 1) must be a number") }
    return value
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func residentBytes() -> Double {
    ProcessMetricsCollector().collect().first { $0.name == "process_resident_memory_bytes" }.flatMap {
        if case .number(let value) = $0.series[0].value { return value } else { return nil }
    } ?? 0
}

/// The resident memory split into anonymous pages (the process's own data) and pages mapped
/// from files (code and read-only data of the binary and its libraries), from smaps_rollup.
func residentSplit() -> String {
    guard let text = try? String(contentsOfFile: "/proc/self/smaps_rollup", encoding: .utf8) else { return "no smaps_rollup" }
    func kilobytes(_ field: String) -> Double {
        text.split(separator: "\n").first { $0.hasPrefix(field + ":") }.flatMap { Double($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    }
    let resident = kilobytes("Rss"), anonymous = kilobytes("Anonymous")
    return String(format: "%.1f anonymous + %.1f from files MB", anonymous / 1024, (resident - anonymous) / 1024)
}

switch arguments.first {
case "serve":
    let publisher = MetricsPublisher()
    publisher.publish(try ExpositionSnapshot(families: try SyntheticFamilies.make(series: integer(1))))
    guard arguments.count > 2, let address = try? ListenAddress(parsing: arguments[2]) else { fail("serve N ADDRESS") }
    let router = MetricsRouter(telemetryPath: "/metrics", landingPage: [], readiness: { (true, "ready") },
                               metrics: { publisher.body(format: $0, gzip: $1) })
    let server = HTTPServer(configuration: HTTPServerConfiguration(listenAddress: address), handler: router)
    let port = try server.start()
    print("serving \(integer(1)) series on port \(port)")
    fflush(nil)
    dispatchMain()

case "remote-write":
    // The series a day of settled buckets makes: per domain and area, traffic and peak bandwidth.
    let (seriesCount, samplesPerSeries, rounds) = (integer(1), integer(2), integer(3))
    let start: Int64 = 1_795_600_000_000
    let series = (0..<seriesCount).map { index in
        RemoteWriteSeries(labels: ["__name__": index % 2 == 0 ? "aliyun_vod_bucket_traffic_bytes" : "aliyun_vod_bucket_peak_bandwidth_bytes_per_second",
                                   "domain": "d\(index / 4).example.com", "area": index % 4 < 2 ? "domestic" : "overseas"],
                          samples: (0..<samplesPerSeries).map { .init(value: Double((index * 7919 + $0 * 104_729) % 1_000_000_007), timestampMilliseconds: start + Int64($0) * 300_000) })
    }
    var best = Double.infinity
    var body: [UInt8] = []
    for _ in 0..<rounds {
        let begin = now()
        body = WriteRequest.body(series)
        best = min(best, now() - begin)
    }
    let samples = Double(seriesCount * samplesPerSeries)
    print(String(format: "%.0f samples/s, %.2f bytes/sample on the wire (%.2f before snappy)", samples / best, Double(body.count) / samples,
                 Double(WriteRequest.protobuf(series).count) / samples))

case "fill-queue":
    // What a receiver away for HOURS leaves in the agent's queue for DOMAINS domains: every
    // settled bucket (traffic and peak bandwidth, domestic and overseas) and realtime minute
    // (bandwidth and requests), as the agent queues them, one request per 10,000 samples.
    guard arguments.count > 3 else { fail("fill-queue FOLDER DOMAINS HOURS") }
    let (folder, domains, hours) = (arguments[1], integer(2), integer(3))
    let queue = try SegmentQueue(directory: folder, limitSamples: 1_000_000_000)
    let end = Int64(Date().timeIntervalSince1970) / 300 * 300 - 1200
    let start = end - Int64(hours) * 3600
    var total = 0
    for first in stride(from: 0, to: domains, by: 50) {
        var samples: [TimestampedSample] = []
        for index in first..<min(domains, first + 50) {
            let domain = "d\(index).example.com"
            for bucket in stride(from: start, to: end, by: 300) {
                let traffic = Double((index * 7919 + Int(bucket / 300) * 104_729) % 1_000_000_007)
                for (area, share) in [(Area.domestic, 0.75), (.overseas, 0.25)] {
                    samples.append(TimestampedSample(family: .traffic, domain: domain, area: area, timestamp: bucket, value: (traffic * share).rounded()))
                    samples.append(TimestampedSample(family: .peakBandwidth, domain: domain, area: area, timestamp: bucket, value: (traffic * share / 240).rounded()))
                }
            }
            for minute in stride(from: start + 900, to: end + 900, by: 60) {
                samples.append(TimestampedSample(family: .minuteBandwidth, domain: domain, area: nil, timestamp: minute, value: Double(index * 1000 + Int(minute % 997))))
                samples.append(TimestampedSample(family: .minuteRequests, domain: domain, area: nil, timestamp: minute, value: Double(index + Int(minute % 89))))
            }
        }
        total += samples.count
        for write in EncodedWrite.requests(TimestampedSample.series(samples)) {
            _ = try queue.append(write, now: Int64(Date().timeIntervalSince1970))
        }
    }
    let totals = queue.totals
    let bytes = try FileManager.default.contentsOfDirectory(atPath: folder).reduce(0) { sum, name in
        sum + ((try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? Int) ?? 0)
    }
    print(String(format: "queued %d samples in %d segments, %.1f MB on disk (%.2f bytes/sample)", total, totals.segments, Double(bytes) / 1e6, Double(bytes) / Double(total)))

case "expose":
    FileHandle.standardOutput.write(Data(ExpositionRenderer.render(try SyntheticFamilies.make(series: integer(1)), format: .text)))

case "render":
    let count = integer(1), rounds = max(1, integer(2))
    let families = try SyntheticFamilies.make(series: count)
    var results: [String] = []
    var bestBuild = Double.infinity
    let raw = SyntheticFamilies.rawSeries(count)
    for _ in 0..<rounds {
        // The agent's whole path after polling: families built (validated, series sorted) and
        // rendered in both formats into a snapshot.
        let start = now()
        _ = try ExpositionSnapshot(families: try SyntheticFamilies.build(raw))
        bestBuild = min(bestBuild, now() - start)
    }
    results.append("build+render (both formats) \(count) series: \(String(format: "%.1f", bestBuild / Double(count) * 1e9)) ns/series")
    for format in ExpositionFormat.allCases {
        var best = Double.infinity
        var size = 0
        for _ in 0..<rounds {
            let start = now()
            let body = ExpositionRenderer.render(families, format: format)
            best = min(best, now() - start)
            size = body.count
        }
        results.append("\(format == .text ? "text" : "openmetrics") \(count) series: \(String(format: "%.1f", best / Double(count) * 1e9)) ns/series, \(size) bytes")
    }
    print(results.joined(separator: "\n"))

case "poll", "memory":
    let domains = integer(1)
    let names = (0..<domains).map { "d\($0).example.com" }
    var simulatorConfiguration = SimulatorConfiguration(domains: names, spikingDomains: [])
    if arguments.first == "poll" { simulatorConfiguration.faults = try FaultSet(parsing: "slow:\(integer(3))ms") }
    let simulator = SimulatorServer(configuration: simulatorConfiguration, listenAddress: ListenAddress(host: "127.0.0.1", port: 0))
    let external = arguments.first == "memory" && arguments.count > 3 ? arguments[3] : nil
    let inProcess = external == "in-process"
    // Words after ENDPOINT undo one of the agent's choices, for before/after comparisons.
    let options = Set(arguments.dropFirst(4))
    let tuned = !options.contains("untuned")
    if tuned { AllocatorTuning.configure(environment: ProcessInfo.processInfo.environment) }
    if external == nil || inProcess { try simulator.start() }
    let endpoint = inProcess ? simulator.endpoint : external ?? simulator.endpoint
    let qps = arguments.first == "poll" ? Double(integer(2)) : 1000
    // The memory run uses the agent's default concurrency (what users run); the poll run keeps
    // enough calls in flight that the QPS limit, not latency, bounds the cycle.
    var configuration = AgentConfiguration(domainSource: .list(names), selection: try DomainSelection(include: nil, exclude: nil, shard: .all),
                                           collectors: options.contains("usage") ? [.traffic, .bandwidth, .usage] : [.traffic, .bandwidth])
    if arguments.first == "poll" { configuration.maxConcurrentDomains = 64 }
    configuration.maxQPS = qps
    let concurrency = configuration.maxConcurrentDomains
    let statistics = APIStatistics()
    let client = VODClient(
        configuration: VODClientConfiguration(endpoint: try Endpoint(parsing: endpoint), requestTimeout: 30),
        credentials: StaticCredentialsProvider(Credentials(accessKeyId: simulatorConfiguration.accessKeyId, accessKeySecret: simulatorConfiguration.accessKeySecret), sourceDescription: "bench"),
        transport: inProcess ? InProcessTransport(api: simulator.api) : StandardTransport.make(),
        gate: RequestGate(maxQPS: qps, burst: max(1, Int(qps)), maxConcurrent: concurrency), observe: { statistics.record($0) })
    let time = SystemTimeSource()
    let engine = AgentEngine(configuration: configuration, time: time, logger: .disabled, readFile: { _ in "" })
    // Held like the agent holds it: the published snapshot, scraped once a cycle the way
    // Prometheus asks (gzip), so its bodies count too.
    let publisher = MetricsPublisher(freshFamilies: { ProcessMetricsCollector().collect() + ((try? statistics.families()) ?? []) })
    let service = AgentService(engine: engine, client: client, configuration: configuration, time: time,
                               publisher: publisher, stateFile: nil, endpoint: endpoint, staticFamilies: [], logger: .disabled,
                               afterRun: { _ in if tuned { AllocatorTuning.releaseFreePages() } })
    try await service.prepare()
    // Top-level code runs on the main actor: await here (a Task waited for with a semaphore
    // would never run).
    do {
        if arguments.first == "poll" {
            let start = now()
            await service.runEveryCollectorOnce()
            let elapsed = now() - start
            let calls = (try? statistics.families().first { $0.name == "aliyun_vod_exporter_api_requests_total" }?.series.reduce(0.0) { total, series in
                if case .number(let value) = series.value { return total + value } else { return total }
            }) ?? 0
            print("poll \(domains) domains: \(String(format: "%.2f", elapsed)) s, \(Int(calls)) calls (\(String(format: "%.1f", calls / Double(domains))) per domain), bound \(String(format: "%.2f", calls / qps)) s at \(Int(qps)) QPS")
        } else {
            let cycles = integer(2)
            var figures: [String] = []
            var series = 0
            for cycle in 1...cycles {
                await service.runEveryCollectorOnce()  // publishes and trims after each run, as the agent does
                series = ((try? await engine.families().families) ?? []).reduce(0) { $0 + $1.series.count }
                _ = publisher.body(format: .text, gzip: true)
                figures.append(String(format: "%.1f", residentBytes() / 1e6))
                if cycle == 1 || cycle == cycles || cycle % 10 == 0 { fflush(nil) }
            }
            print("memory \(domains) domains (\(series) series), MB after each of \(cycles) cycles: \(figures.joined(separator: " "))"
                  + " (at the end: \(residentSplit()))")
        }
    }
    if external == nil || inProcess { simulator.stop() }

case "usage-memory":
    let domains = integer(1)
    let month = BillingMonth(year: 2026, month: 12)  // 31 days: the most points a month has
    let names = (0..<domains).map { "d\($0).example.com" }
    AllocatorTuning.configure(environment: ProcessInfo.processInfo.environment)
    AllocatorTuning.releaseFreePages()
    let before = residentBytes()
    var ledger = UsageLedger(month: month)
    let expected = Set(names)
    var seed: UInt64 = 1
    for start in stride(from: month.start, to: month.end, by: 300) {
        for name in names {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let value = Double(seed >> 40) * 1000
            ledger.record(.init(start: start, bitsPerSecond: [.domestic: value, .overseas: value / 4], bytes: [.domestic: value * 37.5, .overseas: value * 9.4]),
                          domain: name, expected: expected)
        }
    }
    AllocatorTuning.releaseFreePages()
    let grown = residentBytes() - before
    let kept = (domains + 3) * (month.burstPointCount + 1)
    // A save, as the agent writes the state file: its time, and how much it takes while it runs.
    let saveStart = now()
    let state = try JSONEncoder().encode(ledger).count
    let saveSeconds = now() - saveStart
    let peakDuringSave = residentBytes() - before - grown
    let restoreStart = now()
    _ = try JSONDecoder().decode(UsageLedger.self, from: JSONEncoder().encode(ledger))
    let roundTripSeconds = now() - restoreStart
    print(String(format: "usage-memory %d domains, %d points each: resident +%.1f MB (%.1f kB a domain); the top 5 %% + 1 points alone: %.1f MB (%d points of 16 bytes); state file part %.1f MB, encoded in %.2f s (resident +%.1f MB more after it), encoded and decoded in %.2f s",
                 domains, month.pointCount, grown / 1e6, grown / Double(domains) / 1e3, Double(kept * 16) / 1e6, kept, Double(state) / 1e6,
                 saveSeconds, peakDuringSave / 1e6, roundTripSeconds))

default:
    fail("serve N ADDRESS | expose N | render N ROUNDS | poll DOMAINS QPS LATENCY_MS | memory DOMAINS CYCLES | usage-memory DOMAINS")
}
