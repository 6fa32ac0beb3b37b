import Dispatch
import Exposition
import HTTPClient
import Lifecycle
import Logging
import RemoteWrite
import Synchronization
import VODAPI

/// Runs the agent: restores the state, reads the domains file, runs the collectors on their
/// cadences and, after every run, publishes a snapshot and (after runs that change ledgers)
/// saves the state. As a service, it stops its collectors on shutdown and saves the state once.
public final class AgentService: Service {
    /// Why the agent cannot start: the operator's input is wrong (exit 64).
    public struct StartupError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    private let engine: AgentEngine
    private let client: VODClient
    private let configuration: AgentConfiguration
    private let time: any TimeSource
    private let publisher: MetricsPublisher
    private let stateFile: StateFile?
    /// With `--remote-write.url`: where new buckets and minutes go, and who sends them on.
    private let remoteWrite: (any RemoteWriteSink)?
    private let stateIdentity: (endpoint: String, shard: String)
    private let staticFamilies: [MetricFamily]
    private let logger: Logger
    private let collectors: [any Collector]
    private let discovery: (any Collector)?
    /// Run requests (SIGHUP) per collector, shared with the scheduler.
    private let requests: [AgentConfiguration.Collector: RunRequests]
    private let afterRun: @Sendable (RunReport) -> Void
    /// The version of the snapshot served, and the readiness it showed.
    private let published = Mutex<(version: UInt64, readiness: (ready: Bool, reason: String))>((0, (false, "not ready: starting")))
    /// State writes run here, one at a time, off the Swift concurrency pool (they block on disk).
    private let stateQueue = DispatchQueue(label: "vodcdn.state-file")
    /// Queueing remote writes and saving the state, one at a time: a state is only written after
    /// every request its send cursors account for is on disk.
    private let persistence = SerialSection()

    /// - Parameters:
    ///   - staticFamilies: families that never change (build info), added to every snapshot.
    ///   - afterRun: called with each run's report once its snapshot and state are written
    ///     (memory housekeeping; tests watch the schedule through it).
    public init(engine: AgentEngine, client: VODClient, configuration: AgentConfiguration, time: any TimeSource,
                publisher: MetricsPublisher, stateFile: StateFile?, endpoint: String, staticFamilies: [MetricFamily], logger: Logger,
                remoteWrite: (any RemoteWriteSink)? = nil, afterRun: @escaping @Sendable (RunReport) -> Void = { _ in }) {
        precondition((remoteWrite != nil) == configuration.sendsTimestampedSamples, "remote write is on in both or neither")
        self.engine = engine
        self.client = client
        self.configuration = configuration
        self.time = time
        self.publisher = publisher
        self.stateFile = stateFile
        self.remoteWrite = remoteWrite
        self.stateIdentity = (endpoint, configuration.selection.shard.description)
        self.staticFamilies = staticFamilies
        self.logger = logger
        self.afterRun = afterRun
        var collectors: [any Collector] = []
        for collector in configuration.activeCollectors {
            switch collector {
            case .traffic, .bandwidth, .origin, .hitratio, .requests:
                collectors.append(SettledDataCollector(collector, client: client, configuration: configuration, time: time))
            case .realtime: collectors.append(RealtimeCollector(client: client, configuration: configuration, time: time))
            case .quota: collectors.append(QuotaCollector(client: client, configuration: configuration))
            case .tasks: collectors.append(TasksCollector(client: client, configuration: configuration))
            case .usage: collectors.append(UsageCollector(client: client, configuration: configuration, time: time))
            case .discovery: preconditionFailure("discovery is never among the active collectors")
            }
        }
        let discovery: (any Collector)? = configuration.domainSource == .discovery ? DiscoveryCollector(client: client, configuration: configuration) : nil
        self.collectors = collectors
        self.discovery = discovery
        requests = Dictionary(uniqueKeysWithValues: (collectors + (discovery.map { [$0] } ?? [])).map { ($0.kind, RunRequests()) })
    }

    /// `/-/ready`: ready while data arrives; otherwise why not.
    public var readiness: (ready: Bool, reason: String) { published.withLock { $0.readiness } }

    /// Restores the state file and reads the domains file, then publishes what is known.
    /// - Throws: `StartupError` when the domains file cannot be read or used.
    public func prepare() async throws(StartupError) {
        if let problem = await engine.reloadDomainsFile() {
            throw StartupError(description: "--domains.file: \(problem)")
        }
        if let stateFile {
            switch stateFile.load(endpoint: stateIdentity.endpoint, shard: stateIdentity.shard, now: Int64(time.now())) {
            case .missing:
                logger.info("no state file yet; it is written after the first run", ["path": stateFile.path])
            case .loaded(let state):
                await engine.importRecords(state.domains)
                if let usage = state.usage { await engine.importUsage(usage) }
                logger.info("state restored; the gap since it was saved is backfilled", [
                    "path": stateFile.path, "domains": String(state.domains.count), "saved_at": String(state.savedAt),
                ])
            case .rejected(let reason, let aside):
                logger.error("state file not used; starting without it", ["path": stateFile.path, "reason": reason, "moved_to": aside ?? "(could not move)"])
            }
        }
        await publish()
    }

    /// Runs the collectors until `shutdown` is requested (or the task is cancelled); then stops
    /// them (a run in progress is cut short: its unfinished calls are cancelled) and saves the
    /// state once, which also queues the last remote writes for the shipper to flush.
    public func run(until shutdown: GracefulShutdown) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.reviewDataCalls() }
            group.addTask { await self.scheduler.run() }
            await shutdown.wait()
            group.cancelAll()
        }
        let saved = await saveState()
        if let stateFile {
            if saved { logger.info("collectors stopped; state saved", ["path": stateFile.path]) }
        } else {
            logger.info("collectors stopped")
        }
    }

    /// Runs the collectors until the task is cancelled, then saves the state once.
    public func run() async {
        await run(until: GracefulShutdown())
    }

    /// Every few seconds, judges whether data calls have stopped (a hang shows within the
    /// threshold, not at the run's deadline) and publishes a change.
    private func reviewDataCalls() async {
        while !Task.isCancelled {
            if (try? await time.sleep(seconds: Self.reviewSeconds)) == nil { return }
            if await engine.reviewDataCalls() { await publish() }
        }
    }

    /// Seconds between reviews of the data calls.
    static let reviewSeconds = 5.0

    /// Runs discovery (if on), then every collector once, at once and unspread, and returns
    /// when all have finished and published: one round of everything, for tests and the
    /// benchmark helper.
    public func runEveryCollectorOnce() async {
        await scheduler.runEveryCollectorOnce()
    }

    private var scheduler: CollectorScheduler {
        CollectorScheduler(
            collectors: collectors, discovery: discovery, engine: engine, time: time, maxInFlight: max(1, configuration.maxConcurrentDomains),
            requests: requests, afterRun: { report in await self.finished(report) })
    }

    /// Re-reads the domains file (SIGHUP) and asks every collector for a run now, or right after
    /// the one in progress, so a changed list shows within seconds instead of at the next grid
    /// point.
    public func reload() async {
        await engine.reloadDomainsFile()
        for request in requests.values { request.request() }
        await publish()
    }

    private func finished(_ report: RunReport) async {
        await engine.setCredentials(source: await client.credentials.activeSourceDescription(),
                                    expiry: await client.credentials.currentExpiration())
        await publish()
        if AgentConfiguration.Collector.settled.contains(report.collector) {
            await saveState()
        } else {
            await queueRemoteWrites()
        }
        afterRun(report)
    }

    private func queueRemoteWrites() async {
        await persistence.run { await enqueuePendingWrites() }
    }

    /// Hands what the engine has pending to the remote-write queue (inside `persistence` only).
    private func enqueuePendingWrites() async {
        guard let remoteWrite else { return }
        await remoteWrite.enqueue(await engine.takePendingWrites())
    }

    private func publish() async {
        do {
            let (version, families) = try await engine.families()
            let readiness = await engine.readiness()
            let snapshot = try ExpositionSnapshot(families: staticFamilies + families)
            // Runs finish concurrently: a snapshot built earlier never replaces a later one.
            published.withLock { published in
                guard version >= published.version else { return }
                publisher.publish(snapshot)
                published = (version, readiness)
            }
        } catch {
            // A bad family is a programmer mistake the tests catch; keep serving the last snapshot.
            logger.error("snapshot not published; serving the previous one", ["error": "\(error)"])
        }
    }

    /// Writes the state file now (also done after every run of a settled-data collector and when
    /// `run` ends). The records and the remote writes their send cursors account for are taken
    /// from the engine in one step, the writes queued durably, then the records saved: a crash in
    /// between sends them twice (a duplicate the receiver takes), never not at all, and what
    /// other collectors apply meanwhile waits for the next save. Writes happen one at a time on a
    /// queue of their own.
    /// - Returns: false when the state file could not be written (logged and counted).
    @discardableResult
    public func saveState() async -> Bool {
        await persistence.run {
            let checkpoint = await engine.checkpoint()
            if let remoteWrite { await remoteWrite.enqueue(checkpoint.writes) }
            return await writeStateFile(checkpoint.records, usage: checkpoint.usage)
        }
    }

    private func writeStateFile(_ records: [String: DomainRecord], usage: UsageLedger?) async -> Bool {
        guard let stateFile else { return true }
        let state = AgentState(savedAt: Int64(time.now()), endpoint: stateIdentity.endpoint, shard: stateIdentity.shard, domains: records, usage: usage)
        let failure = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            stateQueue.async {
                do throws(StateFile.WriteError) {
                    try stateFile.save(state)
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: error.description)
                }
            }
        }
        await engine.recordStateSave(succeeded: failure == nil)
        if let failure {
            logger.error("cannot save the state file; the previous file stays", ["path": stateFile.path, "error": failure])
        }
        return failure == nil
    }
}
