import Agent
import Exposition
import HTTPClient
import Logging
import RemoteWrite
import Synchronization
import VODAPI

/// Collects log records in memory.
final class RecordingLogSink: LogSink {
    private let records = Mutex<[LogRecord]>([])
    func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
    var all: [LogRecord] { records.withLock { $0 } }
}

/// The fake API's clock as the agent's time source: `now` is the fake's, moved by the test;
/// sleeps are real (only deadline timers sleep, and runs end long before them).
struct FakeAPITime: TimeSource {
    let api: FakeVODAPI
    private let real = SystemTimeSource()

    func now() -> Double { Double(api.now) }
    func monotonic() -> Double { real.monotonic() }
    func sleep(seconds: Double) async throws { try await real.sleep(seconds: seconds) }
}

/// An agent (engine and service) wired to a `FakeVODAPI`.
struct EngineHarness {
    let api: FakeVODAPI
    let logs = RecordingLogSink()
    let engine: AgentEngine
    let service: AgentService
    let publisher = MetricsPublisher()
    let statistics = APIStatistics()

    /// - Parameters:
    ///   - time: the agent's clocks and sleeps; by default the fake API's clock.
    init(source: AgentConfiguration.DomainSource = .discovery, shard: ShardSpec = .all, include: String? = nil,
         files: (@Sendable (String) throws -> String)? = nil, collectors: Set<AgentConfiguration.Collector> = AgentConfiguration.Collector.defaults,
         maxBackfill: Int64 = 3600, api: FakeVODAPI = FakeVODAPI(), time: (any TimeSource)? = nil, maxQPS: Double = 10_000,
         maxConcurrency: Int = 64, stateFile: StateFile? = nil, realtimeInterval: Int64 = 60, remoteWrite: (any RemoteWriteSink)? = nil,
         retries: Int = 0, usage: UsageSettings = UsageSettings(), afterRun: @escaping @Sendable (RunReport) -> Void = { _ in }) throws {
        self.api = api
        let time = time ?? FakeAPITime(api: api)
        let statistics = self.statistics
        let client = VODClient(
            configuration: VODClientConfiguration(endpoint: try Endpoint(parsing: "http://127.0.0.1:1", allowInsecureHTTP: true),
                                                  retryPolicy: RetryPolicy(maxAttempts: 1 + retries)),
            credentials: StaticCredentialsProvider(Credentials(accessKeyId: "id", accessKeySecret: "secret"), sourceDescription: "test"),
            transport: api, gate: RequestGate(maxQPS: maxQPS, burst: max(1, Int(maxQPS)), maxConcurrent: maxConcurrency, time: time),
            time: time, observe: { statistics.record($0) })
        let configuration = AgentConfiguration(
            domainSource: source, selection: try DomainSelection(include: include, exclude: nil, shard: shard),
            collectors: collectors, maxBackfill: maxBackfill, realtimeInterval: realtimeInterval, usage: usage, maxConcurrentDomains: maxConcurrency, maxQPS: maxQPS,
            sendsTimestampedSamples: remoteWrite != nil)
        let logger = Logger(level: .debug, sink: logs, clock: { 0 })
        engine = AgentEngine(configuration: configuration, time: time, logger: logger, readFile: files ?? { _ in "" })
        service = AgentService(engine: engine, client: client, configuration: configuration, time: time,
                               publisher: publisher, stateFile: stateFile, endpoint: "test", staticFamilies: [], logger: logger,
                               remoteWrite: remoteWrite, afterRun: afterRun)
    }

    /// Runs every collector once and returns the families by name.
    func cycle() async throws -> [String: MetricFamily] {
        await service.runEveryCollectorOnce()
        return try await families()
    }

    /// Everything the agent serves now, by family name (process metrics aside).
    func families() async throws -> [String: MetricFamily] {
        Dictionary(uniqueKeysWithValues: (try await engine.families().families + statistics.families()).map { ($0.name, $0) })
    }
}

extension MetricFamily {
    /// The value of the series with exactly these labels.
    func value(_ labels: Labels = .none) -> Double? {
        guard let series = series.first(where: { $0.labels == labels }), case .number(let value) = series.value else { return nil }
        return value
    }
}

/// A wall clock that stands still (both sides of a comparison see the same buckets), with
/// real monotonic time and sleeps.
struct FrozenWallTime: TimeSource {
    let wall: Double
    private let real = SystemTimeSource()

    func now() -> Double { wall }
    func monotonic() -> Double { real.monotonic() }
    func sleep(seconds: Double) async throws { try await real.sleep(seconds: seconds) }
}
