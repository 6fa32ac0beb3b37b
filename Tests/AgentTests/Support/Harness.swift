import Agent
import Exposition
import Logging
import Synchronization
import VODAPI

/// Collects log records in memory.
final class RecordingLogSink: LogSink {
    private let records = Mutex<[LogRecord]>([])
    func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
    var all: [LogRecord] { records.withLock { $0 } }
}

/// An engine wired to a `FakeVODAPI`.
struct EngineHarness {
    let api: FakeVODAPI
    let logs = RecordingLogSink()
    let engine: AgentEngine

    init(source: AgentConfiguration.DomainSource = .discovery, shard: ShardSpec = .all, include: String? = nil,
         files: (@Sendable (String) throws -> String)? = nil, collectors: Set<AgentConfiguration.Collector> = AgentConfiguration.Collector.defaults,
         maxBackfill: Int64 = 3600, api: FakeVODAPI = FakeVODAPI()) throws {
        self.api = api
        let statistics = APIStatistics()
        let client = VODClient(
            configuration: VODClientConfiguration(endpoint: try Endpoint(parsing: "http://127.0.0.1:1", allowInsecureHTTP: true),
                                                  retryPolicy: RetryPolicy(maxAttempts: 1)),
            credentials: StaticCredentialsProvider(Credentials(accessKeyId: "id", accessKeySecret: "secret"), sourceDescription: "test"),
            transport: api, gate: RequestGate(maxQPS: 10_000, burst: 10_000, maxConcurrent: 64),
            observe: { statistics.record($0) })
        engine = AgentEngine(
            configuration: AgentConfiguration(domainSource: source, selection: try DomainSelection(include: include, exclude: nil, shard: shard),
                                              collectors: collectors, maxBackfill: maxBackfill, jitterSpread: 0),
            client: client, statistics: statistics, clock: { api.now },
            logger: Logger(level: .debug, sink: logs, clock: { 0 }), readFile: files ?? { _ in "" })
    }

    /// Runs a cycle and returns the families by name.
    func cycle() async throws -> [String: MetricFamily] {
        await engine.runCycle(spreadCalls: false)
        return Dictionary(uniqueKeysWithValues: try await engine.families().map { ($0.name, $0) })
    }
}

extension MetricFamily {
    /// The value of the series with exactly these labels.
    func value(_ labels: Labels = .none) -> Double? {
        guard let series = series.first(where: { $0.labels == labels }), case .number(let value) = series.value else { return nil }
        return value
    }
}
