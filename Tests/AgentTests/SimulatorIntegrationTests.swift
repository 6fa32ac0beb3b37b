import Agent
import Exposition
import Foundation
import HTTPClient
import Logging
import Simulator
import Testing
import VODAPI
import WebServer

/// The agent's engine over URLSession against the simulator on loopback, through every fault
/// mode: it keeps the last good data, counts the errors, loses nothing and recovers.
@Suite(.serialized) struct SimulatorIntegrationTests {
    /// Both sides read one frozen clock, so the engines under comparison see the same buckets.
    static let frozenNow = Int64(Date().timeIntervalSince1970)

    /// `requestTimeout` is short only where a hang must end within the test; elsewhere it leaves room
    /// for a loaded machine, where a healthy answer can take longer than a second.
    /// The agent against the simulator, on the simulator's frozen clock.
    struct Agent {
        let service: AgentService
        let engine: AgentEngine
        let statistics: APIStatistics
    }

    static func engine(endpoint: String, configuration simulator: SimulatorConfiguration, logs: RecordingLogSink,
                       requestTimeout: TimeInterval = 10) throws -> Agent {
        let statistics = APIStatistics()
        let time = FrozenWallTime(wall: Double(frozenNow))
        let client = VODClient(
            configuration: VODClientConfiguration(endpoint: try Endpoint(parsing: endpoint), requestTimeout: requestTimeout, retryPolicy: RetryPolicy(maxAttempts: 1)),
            credentials: StaticCredentialsProvider(Credentials(accessKeyId: simulator.accessKeyId, accessKeySecret: simulator.accessKeySecret), sourceDescription: "test"),
            transport: StandardTransport.make(), gate: RequestGate(maxQPS: 1000, burst: 1000, maxConcurrent: 16), observe: { statistics.record($0) })
        let configuration = AgentConfiguration(domainSource: .discovery, selection: try DomainSelection(include: nil, exclude: nil, shard: .all),
                                               collectors: Set(AgentConfiguration.Collector.allCases))
        let logger = Logger(level: .debug, sink: logs, clock: { 0 })
        let engine = AgentEngine(configuration: configuration, time: time, logger: logger, readFile: { _ in "" })
        let service = AgentService(engine: engine, client: client, configuration: configuration, time: time,
                                   publisher: MetricsPublisher(), stateFile: nil, endpoint: endpoint, staticFamilies: [], logger: logger)
        return Agent(service: service, engine: engine, statistics: statistics)
    }

    static func families(_ agent: Agent) async throws -> [String: MetricFamily] {
        await agent.service.runEveryCollectorOnce()
        let families = try await agent.engine.families().families + agent.statistics.families()
        _ = try ExpositionSnapshot(families: families)  // what the listener would serve
        return Dictionary(uniqueKeysWithValues: families.map { ($0.name, $0) })
    }

    /// Polls until the traffic collector has succeeded (a few cycles at most): a healthy phase
    /// must not fail the test because one answer was late on a loaded machine. Settled buckets
    /// are counted once, so extra cycles on the frozen clock do not change the totals.
    static func healthyFamilies(_ engine: Agent) async throws -> [String: MetricFamily] {
        var families: [String: MetricFamily] = [:]
        for _ in 0..<5 {
            families = try await Self.families(engine)
            if families["aliyun_vod_exporter_collector_success"]?.value(["collector": "traffic"]) == 1 { break }
        }
        return families
    }

    @Test(arguments: ["throttle", "5xx", "hang", "truncate", "malformed", "types", "auth", "clock:+1h", "error200"])
    func faultModes(fault: String) async throws {
        let configuration = SimulatorConfiguration()
        let simulator = SimulatorServer(configuration: configuration, listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), clock: { Self.frozenNow })
        try simulator.start()
        defer { simulator.stop() }
        let logs = RecordingLogSink()
        let engine = try Self.engine(endpoint: simulator.endpoint, configuration: configuration, logs: logs,
                                     requestTimeout: fault == "hang" ? 0.5 : 10)
        let label: Labels = ["domain": "video.example.com", "area": "domestic"]

        let healthy = try await Self.healthyFamilies(engine)
        let total = try #require(healthy["aliyun_vod_traffic_bytes_total"]?.value(label),
                                 "healthy poll failed: \(logs.all.filter { $0.level >= .warn }.map { "\($0.message) \($0.metadata)" })")
        #expect(healthy["aliyun_vod_up"]?.value() == 1)

        simulator.api.currentFaults = try FaultSet(parsing: fault)
        let faulty = try await Self.families(engine)
        #expect(faulty["aliyun_vod_traffic_bytes_total"]?.value(label) == total, "last good data kept")
        #expect(faulty["aliyun_vod_exporter_collector_success"]?.value(["collector": "traffic"]) == 0)
        let failures = faulty["aliyun_vod_exporter_api_requests_total"]?.series.filter {
            $0.labels.pairs.contains(Label("action", "DescribeVodDomainTrafficData")) && !$0.labels.pairs.contains(Label("result", "ok"))
        } ?? []
        #expect(!failures.isEmpty, "errors counted")
        // No data arrives in any mode, so the exporter is not up, whatever the cause; except with
        // "types", which breaks only the string-typed values: realtime's numbers still arrive.
        let dataArrives = fault == "types"
        #expect(faulty["aliyun_vod_up"]?.value() == (dataArrives ? 1 : 0), "\(fault)")
        #expect(await engine.engine.readiness().ready == dataArrives, "\(fault)")
        #expect(logs.all.contains { $0.level == .error && $0.metadata["collector"] == "traffic" })

        simulator.api.currentFaults = FaultSet()
        let recovered = try await Self.healthyFamilies(engine)
        #expect(recovered["aliyun_vod_exporter_collector_success"]?.value(["collector": "traffic"]) == 1)
        #expect(recovered["aliyun_vod_up"]?.value() == 1)
        // Nothing lost: a fresh engine that never saw the fault counts the same total.
        let reference = try await Self.healthyFamilies(try Self.engine(endpoint: simulator.endpoint, configuration: configuration, logs: RecordingLogSink()))
        #expect(recovered["aliyun_vod_traffic_bytes_total"]?.value(label) == reference["aliyun_vod_traffic_bytes_total"]?.value(label))
    }

    /// Values no CDN can produce are counted as invalid and never added: the counters and the
    /// state file stay finite, the last good values stay.
    @Test func absurdValuesAreCountedNeverAdded() async throws {
        let configuration = SimulatorConfiguration()
        let simulator = SimulatorServer(configuration: configuration, listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), clock: { Self.frozenNow })
        try simulator.start()
        defer { simulator.stop() }
        let agent = try Self.engine(endpoint: simulator.endpoint, configuration: configuration, logs: RecordingLogSink())
        let label: Labels = ["domain": "video.example.com", "area": "domestic"]
        let healthy = try await Self.healthyFamilies(agent)
        let total = try #require(healthy["aliyun_vod_traffic_bytes_total"]?.value(label))
        let bandwidth = try #require(healthy["aliyun_vod_bandwidth_bytes_per_second"]?.value(label))

        simulator.api.currentFaults = try FaultSet(parsing: "absurd")
        let absurd = try await Self.families(agent)
        #expect(absurd["aliyun_vod_traffic_bytes_total"]?.value(label) == total)
        #expect(absurd["aliyun_vod_bandwidth_bytes_per_second"]?.value(label) == bandwidth)
        #expect(try #require(absurd["aliyun_vod_exporter_invalid_values_total"]?.value()) > 0)
        for family in absurd.values {
            for series in family.series {
                if case .number(let value) = series.value { #expect(value.isFinite, "\(family.name)") }
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try StateFile(path: path).save(AgentState(savedAt: Self.frozenNow, endpoint: "e", shard: "0/1", domains: await agent.engine.exportRecords()))
    }
}
