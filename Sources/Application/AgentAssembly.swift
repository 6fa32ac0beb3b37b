import Agent
import Exposition
import Foundation
import Logging
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
    public init(options: AgentOptions, environment: [String: String], logger: Logger,
                transport: any HTTPTransport = StandardTransport.make(), clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        let statistics = APIStatistics()
        let (client, credentials) = options.api.makeClient(environment: environment, transport: transport, observe: { statistics.record($0) })
        self.credentials = credentials
        let engine = AgentEngine(
            configuration: options.agent, client: client, statistics: statistics, clock: clock, logger: logger.with("component", "agent"),
            readFile: { path in try String(contentsOfFile: path, encoding: .utf8) })
        publisher = MetricsPublisher()
        self.engine = engine
        service = AgentService(
            engine: engine, configuration: options.agent, publisher: publisher, stateFile: options.stateFile.map(StateFile.init(path:)),
            endpoint: options.api.client.endpoint.description, staticFamilies: [BuildInfo.family], logger: logger.with("component", "agent"),
            clock: clock, afterCycle: AllocatorTuning.releaseFreePages)
    }
}
