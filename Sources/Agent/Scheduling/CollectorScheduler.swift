import HTTPClient
import VODAPI

/// Runs every collector on its own cadence until cancelled: each in its own loop, so a slow run
/// of one never delays another. A loop's first run starts at once and unspread; later runs start
/// on the collector's grid with their calls spread; a requested run (SIGHUP) starts at once, or
/// right after the run in progress; a grid point missed while a run was in progress is caught up
/// right after it when that is still early in its interval. Runs of one collector never overlap.
struct CollectorScheduler: Sendable {
    let collectors: [any Collector]
    /// Runs first, so the domain collectors' first runs have a list.
    let discovery: (any Collector)?
    let engine: AgentEngine
    let time: any TimeSource
    /// Items of one run in progress at once.
    let maxInFlight: Int
    /// Run requests (SIGHUP) by collector; one for every collector.
    let requests: [AgentConfiguration.Collector: RunRequests]
    /// Called after each run is recorded (publish, save state).
    let afterRun: @Sendable (RunReport) async -> Void

    /// Runs until the task is cancelled.
    func run() async {
        if let discovery { await runOnce(discovery, scheduledAt: time.now(), spread: 0) }
        await withTaskGroup(of: Void.self) { group in
            if let discovery { group.addTask { await loop(discovery, startAtOnce: false) } }
            for collector in collectors { group.addTask { await loop(collector, startAtOnce: true) } }
        }
    }

    /// Runs discovery (if on), then every other collector once, at once and unspread.
    func runEveryCollectorOnce() async {
        if let discovery { await runOnce(discovery, scheduledAt: time.now(), spread: 0) }
        await withTaskGroup(of: Void.self) { group in
            for collector in collectors { group.addTask { await runOnce(collector, scheduledAt: time.now(), spread: 0) } }
        }
    }

    private func loop(_ collector: any Collector, startAtOnce: Bool) async {
        guard let requests = requests[collector.kind] else { preconditionFailure("every collector has its requests") }
        let cadence = collector.cadence
        var immediate = startAtOnce
        while !Task.isCancelled {
            var scheduledAt = time.now()
            if immediate {
                requests.consume()  // a request made before this run is covered by it
            } else {
                let next = Double(PollSchedule.nextPoll(after: Int64(time.now().rounded(.down)), interval: cadence.interval, offset: cadence.offset))
                immediate = await requests.wait(seconds: next - time.now(), time: time)
                if Task.isCancelled { return }
                scheduledAt = immediate ? time.now() : next
            }
            await runOnce(collector, scheduledAt: scheduledAt, spread: immediate ? 0 : cadence.spread)
            // A grid point that passed while this run was in progress (a long first run at
            // start, or one a SIGHUP asked for) is caught up at once, unspread, while it is
            // still in the first half of its interval; later, the next grid point is nearer.
            let now = time.now()
            let latestGridPoint = Double(PollSchedule.nextPoll(after: Int64(now.rounded(.down)), interval: cadence.interval, offset: cadence.offset)
                - cadence.interval)
            immediate = scheduledAt < latestGridPoint && now - latestGridPoint < Double(cadence.interval) / 2
        }
    }

    /// One run: plan, execute its items within the deadline, record and hand on the report.
    func runOnce(_ collector: any Collector, scheduledAt: Double, spread: Int64) async {
        var report = RunReport(collector: collector.kind, scheduledAt: scheduledAt, endedAt: scheduledAt)
        switch await collector.plan(engine) {
        case .failure(let problem):
            report.problem = problem
        case .success(let items):
            let engine = self.engine
            // Data calls are watched as they happen, so a hang shows before the run's deadline.
            let watched = AgentConfiguration.Collector.data.contains(collector.kind)
            await CollectorRun(time: time, maxInFlight: maxInFlight).execute(
                items, into: &report, start: scheduledAt, spread: spread, deadline: scheduledAt + collector.cadence.deadline
            ) { item in
                guard watched else { return await collector.perform(item, engine: engine) }
                await engine.dataCallBegan()
                let error = await collector.perform(item, engine: engine)
                await engine.dataCallEnded(collector: collector.kind, error: error)
                return error
            }
        }
        // A stop interrupted the run: its unfinished items are no failure of the API.
        if Task.isCancelled { return }
        report.endedAt = time.now()
        await engine.finish(report)
        await afterRun(report)
    }
}
