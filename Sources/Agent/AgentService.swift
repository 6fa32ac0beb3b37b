import Exposition
import Foundation
import Logging
import Synchronization

/// Runs the engine on its schedule: restore state, first poll at once, then polls aligned to
/// the 5-minute grid; after each, publish a snapshot and save the state.
public final class AgentService: Sendable {
    private let engine: AgentEngine
    private let configuration: AgentConfiguration
    private let publisher: MetricsPublisher
    private let stateFile: StateFile?
    private let stateIdentity: (endpoint: String, shard: String)
    private let staticFamilies: [MetricFamily]
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let ready = Mutex(false)
    /// The wait before the next poll, while one is running.
    private let napping = Mutex<Task<Void, Never>?>(nil)
    private let afterCycle: @Sendable () -> Void

    /// - Parameters:
    ///   - staticFamilies: families that never change (build info), added to every snapshot.
    ///   - afterCycle: called once a cycle's snapshot and state are written (memory housekeeping).
    public init(engine: AgentEngine, configuration: AgentConfiguration, publisher: MetricsPublisher, stateFile: StateFile?,
                endpoint: String, staticFamilies: [MetricFamily], logger: Logger, clock: @escaping @Sendable () -> Int64,
                afterCycle: @escaping @Sendable () -> Void = {}) {
        self.engine = engine
        self.configuration = configuration
        self.publisher = publisher
        self.stateFile = stateFile
        self.stateIdentity = (endpoint, configuration.selection.shard.description)
        self.staticFamilies = staticFamilies
        self.logger = logger
        self.clock = clock
        self.afterCycle = afterCycle
    }

    /// Whether the first poll has finished (`/-/ready`).
    public var isReady: Bool { ready.withLock { $0 } }

    /// Restores the state file, reads the domains file, publishes what is known so far.
    public func prepare() async {
        if let stateFile {
            switch stateFile.load(endpoint: stateIdentity.endpoint, shard: stateIdentity.shard, now: clock()) {
            case .missing:
                logger.info("no state file yet; it is written after the first poll", ["path": stateFile.path])
            case .loaded(let state):
                await engine.importRecords(state.domains)
                logger.info("state restored; the gap since it was saved is backfilled", [
                    "path": stateFile.path, "domains": String(state.domains.count), "saved_at": String(state.savedAt),
                ])
            case .rejected(let reason, let aside):
                logger.error("state file not used; starting without it", ["path": stateFile.path, "reason": reason, "moved_to": aside ?? "(could not move)"])
            }
        }
        await engine.reloadDomainsFile()
        await publish()
    }

    /// Polls until the task is cancelled, then saves the state one last time.
    public func run() async {
        var first = true
        while !Task.isCancelled {
            // Calls are spread over the interval on scheduled polls only: the first poll and one
            // asked for by `reload()` run at once.
            var spreadCalls = false
            if !first {
                let next = PollSchedule.nextPoll(after: clock(), interval: configuration.pollInterval, offset: configuration.pollOffset)
                let wait = max(0, next - clock())
                // The nap is its own task so that `reload()` can end it early without this
                // loop mistaking that for a stop.
                let nap = Task { _ = try? await Task.sleep(nanoseconds: UInt64(wait) * 1_000_000_000) }
                napping.withLock { $0 = nap }
                await withTaskCancellationHandler { await nap.value } onCancel: { nap.cancel() }
                napping.withLock { $0 = nil }
                if Task.isCancelled { break }
                spreadCalls = clock() >= next
            }
            let started = Date()
            await engine.runCycle(spreadCalls: spreadCalls)
            if Task.isCancelled { break }
            await publish()
            await saveState()
            afterCycle()
            if first {
                ready.withLock { $0 = true }
                logger.info("first poll finished; ready", ["seconds": String(format: "%.1f", Date().timeIntervalSince(started))])
            }
            first = false
        }
        await saveState()
    }

    /// Re-reads the domains file (SIGHUP) and polls at once, so a changed list shows within
    /// seconds instead of at the next grid point.
    public func reload() async {
        await engine.reloadDomainsFile()
        napping.withLock { $0 }?.cancel()
    }

    private func publish() async {
        do {
            publisher.publish(try ExpositionSnapshot(families: staticFamilies + (try await engine.families())))
        } catch {
            // A bad family is a programmer mistake the tests catch; keep serving the last snapshot.
            logger.error("snapshot not published; serving the previous one", ["error": "\(error)"])
        }
    }

    /// Writes the state file now (also done after every poll and when `run` ends).
    public func saveState() async {
        guard let stateFile else { return }
        guard let records = await engine.exportRecords() else {
            // Only at a stop that interrupts a stuck poll: the file from the last finished poll
            // is consistent, and the restart backfills from it.
            logger.warn("state not saved: a poll still holds domain records; the file from the last finished poll stays", ["path": stateFile.path])
            return
        }
        do {
            try stateFile.save(AgentState(savedAt: clock(), endpoint: stateIdentity.endpoint, shard: stateIdentity.shard, domains: records))
        } catch {
            logger.error("cannot save the state file", ["path": stateFile.path, "error": error.description])
        }
    }
}
