import Agent
import Exposition
import FoundationEssentials
import HTTPClient
import Logging
import Primitives
import RemoteWrite
import Synchronization
import VODAPI

/// The agent's parts wired together from its options: transport, credential chain, rate
/// gate, client, engine, service. Tests and the demo build the same thing.
public struct AgentAssembly: Sendable {
    /// Why the agent's parts cannot be built as the flags ask.
    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The remote-write queue's folder: beside the state file, whose send cursors it goes with.
    static func queueDirectory(stateFile: String) -> String {
        stateFile + ".remote-write"
    }

    public let publisher: MetricsPublisher
    public let service: AgentService
    public let engine: AgentEngine
    /// With `--remote-write.url`: sends the queued writes (a service of its own).
    public let shipper: RemoteWriteShipper?
    /// Rebuilt on SIGHUP, so credentials rotated in files apply without a restart.
    public let credentials: ReloadableCredentialsProvider

    /// - Parameters:
    ///   - transport: how requests travel; the standard transport unless a test passes its own.
    ///   - time: the clocks and sleeps of the scheduler, the rate gate and the client.
    /// - Throws: `SetupError` when the remote-write queue's folder cannot be made or read.
    public init(options: AgentOptions, environment: [String: String], logger: Logger,
                transport: any HTTPTransport = StandardTransport.make(), time: any TimeSource = SystemTimeSource()) throws(SetupError) {
        var shipper: RemoteWriteShipper?
        if let url = options.remoteWrite.url, let stateFile = options.stateFile {
            let queue: SegmentQueue
            do {
                queue = try SegmentQueue(directory: Self.queueDirectory(stateFile: stateFile), limitSamples: options.remoteWrite.queueLimit)
            } catch {
                throw SetupError(description: "remote-write queue: \(error.description)")
            }
            let sender = options.remoteWrite.sender(
                url: url, transport: StandardTransport.make(tls: options.remoteWrite.tls), maxAttempts: .max,
                pause: { seconds in try? await time.sleep(seconds: seconds) })
            shipper = RemoteWriteShipper(queue: queue, sender: sender, time: time, logger: logger.with("component", "remote-write"))
        }
        let statistics = APIStatistics()
        let apiLogger = logger.with("component", "api")
        let (client, credentials) = options.api.makeClient(environment: environment, transport: transport, time: time, observe: { record in
            statistics.record(record)
            APICallLog.write(record, to: apiLogger)
        })
        self.credentials = credentials
        let agentLogger = logger.with("component", "agent")
        let engine = AgentEngine(configuration: options.agent, time: time, logger: agentLogger, readFile: { path in try TextFile.read(path) })
        let remoteWrite = shipper
        self.shipper = shipper
        // The request counters are read on every scrape, like the process metrics: a hung or
        // failing API shows in them at once, not only when a run ends; so is the remote-write queue.
        // A family that cannot be built is a programmer mistake: logged once (not per scrape), the
        // rest still served.
        let statisticsFailure = Mutex<String?>(nil)
        publisher = MetricsPublisher(freshFamilies: {
            let api: [MetricFamily]
            do {
                api = try statistics.families()
            } catch {
                let problem = "\(error)"
                let first = statisticsFailure.withLock { seen in defer { seen = problem }; return seen != problem }
                if first { agentLogger.error("the API request families cannot be built; serving the rest without them", ["error": problem]) }
                api = []
            }
            return ProcessMetricsCollector().collect() + api + (remoteWrite?.families() ?? [])
        })
        self.engine = engine
        service = AgentService(
            engine: engine, client: client, configuration: options.agent, time: time, publisher: publisher,
            stateFile: options.stateFile.map(StateFile.init(path:)), endpoint: options.api.client.endpoint.description,
            staticFamilies: [BuildInfo.family], logger: agentLogger, remoteWrite: remoteWrite, afterRun: { _ in AllocatorTuning.releaseFreePages() })
    }
}
