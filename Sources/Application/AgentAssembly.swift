import Agent
import Exposition
import FoundationEssentials
import Logging
import Primitives
import VODAPI

/// The agent's parts wired together from its options: transport, credential chain, rate
/// gate, client, engine, service. Tests and the demo build the same thing.
public struct AgentAssembly: Sendable {
    public let publisher: MetricsPublisher
    public let service: AgentService
    public let engine: AgentEngine
    /// Rebuilt on SIGHUP, so credentials rotated in files apply without a restart.
    public let credentials: ReloadableCredentialsProvider

    /// - Parameters:
    ///   - transport: how requests travel; the standard transport unless a test passes its own.
    ///   - time: the clocks and sleeps of the scheduler, the rate gate and the client.
    public init(options: AgentOptions, environment: [String: String], logger: Logger,
                transport: any HTTPTransport = StandardTransport.make(), time: any TimeSource = SystemTimeSource()) {
        let statistics = APIStatistics()
        let apiLogger = logger.with("component", "api")
        let (client, credentials) = options.api.makeClient(environment: environment, transport: transport, time: time, observe: { record in
            statistics.record(record)
            APICallLog.write(record, to: apiLogger)
        })
        self.credentials = credentials
        let agentLogger = logger.with("component", "agent")
        let engine = AgentEngine(configuration: options.agent, time: time, logger: agentLogger, readFile: { path in try TextFile.read(path) })
        // The request counters are read on every scrape, like the process metrics: a hung or
        // failing API shows in them at once, not only when a run ends.
        publisher = MetricsPublisher(freshFamilies: { ProcessMetricsCollector().collect() + ((try? statistics.families()) ?? []) })
        self.engine = engine
        service = AgentService(
            engine: engine, client: client, configuration: options.agent, time: time, publisher: publisher,
            stateFile: options.stateFile.map(StateFile.init(path:)), endpoint: options.api.client.endpoint.description,
            staticFamilies: [BuildInfo.family], logger: agentLogger, afterRun: { _ in AllocatorTuning.releaseFreePages() })
    }
}
