import Exposition
import HTTPClient
import Logging
import Primitives
import RemoteWrite
import VODAPI

/// The agent's data and health: collectors fetch, the engine applies what they fetched to the
/// domain records and account figures, keeps the health book, and gives the view every
/// snapshot is built from. It makes no API call itself.
public actor AgentEngine {
    private let configuration: AgentConfiguration
    private let time: any TimeSource
    private let logger: Logger
    private let readFile: @Sendable (String) throws -> String

    private var records: [String: DomainRecord] = [:]
    /// Records of domains that left the selection, kept for `--data.max-backfill` (saved too):
    /// a domain that returns continues where it stopped. Not exported as metrics.
    private var departed: [String: DomainRecord] = [:]
    /// Kinds and bucket widths the ledgers refused, logged once each.
    private var refusedWidths: Set<String> = []
    private var domains: DomainBook
    private var account = AccountFigures()
    private var health = HealthBook()
    /// Data calls as they happen: health between the ends of runs.
    private var dataCalls: DataCallWatch
    /// Why data has stopped, as last reviewed; nil while data calls succeed.
    private var dataStop: DataCallWatch.Stop?
    private var quality = DataQuality()
    /// Reloads, state saves, credentials, the rate budget's projection.
    private var status = OperationalStatus()
    /// Counts changes, so a snapshot built earlier never replaces one built later.
    private var version: UInt64 = 0
    /// With remote write: new buckets and minutes waiting to be queued, encoded as they fill
    /// requests; nil without.
    private var pendingWrites: PendingWrites?
    /// Realtime minutes before this one are not sent (the previous process may have sent them).
    private let realtimeFloor: Int64
    /// With the usage collector: the month's figures, ours and the API's; nil without.
    private var usage: UsageBook?

    /// - Parameters:
    ///   - time: wall-clock time decides which buckets are settled and stamps health.
    ///   - readFile: reads the domains file (injected for tests); its error's description is
    ///     shown to the operator as it is.
    public init(configuration: AgentConfiguration, time: any TimeSource, logger: Logger,
                readFile: @escaping @Sendable (String) throws -> String) {
        self.configuration = configuration
        self.time = time
        self.logger = logger
        self.readFile = readFile
        var domains = DomainBook(source: configuration.domainSource, selection: configuration.selection)
        domains.reselect()
        self.domains = domains
        pendingWrites = configuration.sendsTimestampedSamples ? PendingWrites() : nil
        realtimeFloor = Int64(time.now()) / 60 * 60
        dataCalls = DataCallWatch(threshold: configuration.dataStopThreshold, start: time.now())
        var intervals = Dictionary(uniqueKeysWithValues: configuration.activeCollectors.map { ($0, configuration.cadence(of: $0).interval) })
        if configuration.domainSource == .discovery { intervals[.discovery] = configuration.discoveryInterval }
        status.intervals = intervals
        if configuration.activeCollectors.contains(.usage) {
            usage = UsageBook(ledger: UsageLedger(month: BillingMonth(containing: Int64(time.now()))))
        }
    }

    // MARK: Domains

    /// Reads the domains file (at start and on SIGHUP). On failure the previous list stays, and
    /// the reload metrics say so.
    /// - Returns: the problem in plain words, or nil on success or when no file is configured.
    @discardableResult
    public func reloadDomainsFile() -> String? {
        guard case .file(let path) = configuration.domainSource else {
            if domains.selected != nil { domainsChanged() }  // a configured list: project its budget
            status.reload.succeeded(at: Int64(time.now()))
            return nil
        }
        do {
            let names = try DomainsFile.parse(try readFile(path))
            if let previous = domains.configured?.count, previous > 0, names.count * 2 <= previous {
                // Often a file caught mid-write or emptied by mistake: said plainly; the records stay.
                logger.warn(names.isEmpty ? "the domains file is now empty; no domain is polled" : "the domains file lists far fewer domains than before", [
                    "path": path, "domains": String(names.count), "before": String(previous),
                    "kept_for_seconds": String(configuration.maxBackfill),
                ])
            }
            domains.configured = names
            domainsChanged()
            status.reload.succeeded(at: Int64(time.now()))
            logger.info("domains file read", ["path": path, "domains": String(names.count)])
            return nil
        } catch let error as DomainsFile.ParseError {
            status.reload.failed()
            return reloadFailed(path, "\(path) \(error.description)")
        } catch {
            status.reload.failed()
            return reloadFailed(path, "\(error)")
        }
    }

    private func reloadFailed(_ path: String, _ problem: String) -> String {
        logger.error("cannot use the domains file; keeping the previous list", ["path": path, "error": problem])
        return problem
    }

    /// The domains the data collectors poll now, or why there are none: no list yet, or a list
    /// the selection leaves empty (a run with nothing to collect is no success, except on a
    /// shard that the hash gives no domain of a current list: it has nothing to collect).
    func selectedDomains() -> Result<[String], RunProblem> {
        guard let selected = domains.selected else {
            return .failure(RunProblem(reason: "no_domain_list", detail: domains.missingReason))
        }
        guard !selected.isEmpty || domains.emptyShareIsHealthy else {
            let shard = domains.selection.shard
            if shard.isOutsideCount {
                return .failure(RunProblem(reason: "no_domains", detail: "shard \(shard) is outside its count: no domain hashes to index \(shard.index) of \(shard.count); give every replica the same N, the number of replicas"))
            }
            if let failure = domains.discoveryFailure, shard.count > 1 {
                return .failure(RunProblem(reason: "no_domains", detail: "no domain selected for shard \(shard), and the latest discovery failed with \(failure)"))
            }
            return .failure(RunProblem(reason: "no_domains", detail: "no domain selected: the list has \(domains.candidates?.count ?? 0) domains and --domains.include, --domains.exclude and --shard leave none"))
        }
        return .success(selected)
    }

    func apply(discovered: [DomainInfo]) {
        domains.discovered = Dictionary(discovered.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        domainsChanged()
    }

    /// Sets aside the records of domains no longer selected (their series disappear; a domain
    /// that returns within `--data.max-backfill` continues its counters, and the buckets of its
    /// absence are filled like any gap) and projects whether the collectors' calls fit their
    /// intervals at this size.
    private func domainsChanged() {
        domains.reselect()
        guard let selected = domains.selectedSet else { return }
        let now = Int64(time.now())
        var left: [String] = [], returned: [String] = []
        for domain in records.keys where !selected.contains(domain) {
            var record = records.removeValue(forKey: domain)!
            record.departedAt = now
            departed[domain] = record
            left.append(domain)
        }
        for domain in departed.keys where selected.contains(domain) {
            var record = departed.removeValue(forKey: domain)!
            record.departedAt = nil
            records[domain] = record
            returned.append(domain)
        }
        forgetDeparted(now: now)
        usage?.keepBilled(of: selected)
        if !left.isEmpty {
            logger.info("domains left the selection; their series are withdrawn and their counters kept in case they return", [
                "domains": String(left.count), "example": left.sorted()[0], "kept_for_seconds": String(configuration.maxBackfill),
            ])
        }
        if !returned.isEmpty {
            logger.info("domains returned to the selection; their counters continue", ["domains": String(returned.count), "example": returned.sorted()[0]])
        }
        let demands = configuration.activeCollectors.map { collector in
            RunBudget.Demand(collector: collector, cadence: configuration.cadence(of: collector),
                             callsPerRun: RunBudget.callsPerRun(collector, domains: selected.count), background: collector.isBackground)
        }
        let projected = RunBudget.projectedRunSeconds(demands, maxQPS: configuration.maxQPS)
        status.projectedRunSeconds = projected
        let over = Set(demands.filter { projected[$0.collector, default: 0] > $0.cadence.deadline }.map(\.collector))
        for collector in over.subtracting(status.overBudget).sorted() {
            let demand = demands.first { $0.collector == collector }!
            logger.warn("the collector's calls do not fit its interval at --api.max-qps; runs will miss their deadline (raise --api.max-qps within the account's limits, shard, or switch collectors off)", [
                "collector": collector.rawValue, "domains": String(selected.count), "calls_per_run": String(demand.callsPerRun),
                "projected_seconds": String(Int(projected[collector, default: 0].rounded())),
                "deadline_seconds": String(Int(demand.cadence.deadline)), "max_qps": String(configuration.maxQPS),
            ])
        }
        status.overBudget = over
        version += 1
    }

    // MARK: Applying what collectors fetched

    /// The oldest cursor of `domain`'s counters of `kinds`: where a backfill starts.
    func cursor(of domain: String, kinds: [CounterKind]) -> Int64? {
        records[domain]?.cursor(of: kinds)
    }

    func apply(_ observation: DomainObservation, to domain: String) {
        // A domain deselected while its calls were in flight stays gone.
        guard domains.selectedSet?.contains(domain) == true else { return }
        let rules = configuration.rules
        var record = records.removeValue(forKey: domain) ?? DomainRecord()  // uniquely held: ledgers change in place
        var outcome = IngestOutcome()
        for counters in observation.counters {
            let ingested = record.ingest(counters.slots, into: counters.kind, window: counters.window, interval: counters.interval,
                                         now: counters.receivedAt, rules: rules)
            // Once per kind and width, not per domain and run: an API change would affect them all.
            if ingested.refusedObservations > 0, refusedWidths.insert("\(counters.kind) \(counters.interval)").inserted {
                logger.warn("an answer's buckets are not 5 minutes wide (DataInterval); its values are not counted", [
                    "domain": domain, "kind": "\(counters.kind)", "interval_seconds": String(counters.interval),
                ])
            }
            outcome.add(ingested)
        }
        for gauges in observation.gauges {
            outcome.invalidValues += record.update(gauges.kind, slots: gauges.slots, interval: gauges.interval, now: gauges.receivedAt, rules: rules)
        }
        // Without remote write, optional chaining skips the whole call, the samples' choice included.
        pendingWrites?.add(NewSamples.settled(observation, domain: domain, settleDelay: rules.settleDelay, cursors: &record.sentCursors))
        if usage != nil {
            // Cursors of its own, saved with the record and the ledger in one checkpoint: each bucket once.
            let samples = NewSamples.settled(observation, domain: domain, settleDelay: rules.settleDelay, cursors: &record.usageCursors)
            usage?.record(samples, domain: domain, expected: domains.selectedSet ?? [])
        }
        records[domain] = record
        quality.add(outcome)
        version += 1
    }

    func apply(_ readings: [String: RealtimeReading], invalidValues invalid: Int) {
        guard let selected = domains.selectedSet else { return }
        for (domain, reading) in readings where selected.contains(domain) {
            records[domain, default: DomainRecord()].realtime = reading
            pendingWrites?.add(NewSamples.realtime(reading, domain: domain, notBefore: realtimeFloor, cursors: &records[domain, default: DomainRecord()].sentCursors))
        }
        quality.invalidValues += UInt64(invalid)
        version += 1
    }

    func apply(quota: DescribeVodRefreshQuota.Response) {
        account.quota = quota
        version += 1
    }

    func apply(taskCounts: [TaskCountKey: Int]) {
        account.taskCounts = taskCounts
        version += 1
    }

    /// The API's billing figures of a domain, or of the account (nil).
    func apply(_ billed: UsageBook.Billed, domain: String?, invalidValues invalid: Int) {
        quality.invalidValues += UInt64(invalid)
        version += 1
        // A domain deselected while its calls were in flight stays gone.
        if let domain, domains.selectedSet?.contains(domain) != true { return }
        usage?.apply(billed, domain: domain)
    }

    /// The requests of every bucket and minute that became new since the last call (empty
    /// without remote write).
    func takePendingWrites() -> [EncodedWrite] {
        pendingWrites?.take() ?? []
    }

    // MARK: Health

    /// Records a finished run in the health book (which logs what it tells).
    func finish(_ report: RunReport) {
        if report.collector == .discovery {
            domains.discoveryFailure = report.succeededFully ? nil : report.failures.values.first?.example?.description ?? report.failures.keys.first
        }
        health.record(report, logger: logger)
        version += 1
    }

    /// A data collector's call began.
    func dataCallBegan() {
        dataCalls.began()
    }

    /// A data collector's call ended, with its error if it failed.
    func dataCallEnded(collector: AgentConfiguration.Collector, error: VODClientError?) {
        dataCalls.ended(error: error, at: time.now())
        if error == nil { health.dataArrived(for: collector) }
    }

    /// Judges again whether data has stopped (every few seconds) and logs a change.
    /// - Returns: whether the judgement changed (a new snapshot is due).
    @discardableResult
    public func reviewDataCalls() -> Bool {
        let now = time.now()
        let stop = dataCalls.stop(at: now)
        switch (dataStop, stop) {
        case (nil, let stop?):
            logger.error("data has stopped: up is 0 and /-/ready answers 503 until a data call succeeds", [
                "last_success": UTCTimestamp.format(Int64(stop.lastSuccess)), "silent_seconds": String(Int(now - stop.lastSuccess)),
                "waiting": String(stop.waiting), "latest_error": stop.latestFailure ?? "none: calls are waiting for answers",
            ])
        case (let previous?, nil):
            logger.info("data calls succeed again", ["silent_seconds": String(Int(dataCalls.lastSuccess - previous.lastSuccess))])
        default:
            return false
        }
        dataStop = stop
        version += 1
        return true
    }

    /// The names of the data collectors that are on; with none on (only quota and tasks), the
    /// collectors that are, so health still means "data arrives".
    private var dataCollectors: [AgentConfiguration.Collector] {
        let active = configuration.activeCollectors
        let data = active.filter { AgentConfiguration.Collector.data.contains($0) }
        return data.isEmpty ? active : data
    }

    /// Whether data arrives (`aliyun_vod_up`).
    public var isUp: Bool { health.isUp(dataCollectors: dataCollectors, stop: dataStop) }

    /// `/-/ready`: whether data arrives, and why not.
    public func readiness() -> (ready: Bool, reason: String) {
        health.readiness(dataCollectors: dataCollectors, stop: dataStop)
    }

    /// Whether a write of the state file succeeded (counted for the metrics).
    public func recordStateSave(succeeded: Bool) {
        var saves = status.stateSaves ?? StateSaveStatus()
        if succeeded { saves.lastSuccess = Int64(time.now()) } else { saves.failures += 1 }
        status.stateSaves = saves
        version += 1
    }

    /// What the credentials in use are and when they expire (nil for long-term keys). A new
    /// source is logged: which one the chain picked is the first thing to know when calls are
    /// refused (never the secret: the description names the source, not the key).
    public func setCredentials(source: String?, expiry: Int64?) {
        status.credentials.expiry = expiry
        guard let source, source != status.credentials.source else { return }
        logger.info("credentials in use", ["source": source])
        status.credentials.source = source
        version += 1
    }

    // MARK: Metrics and state

    /// The families of a snapshot of everything the agent knows now, and the version they
    /// describe (higher is newer).
    public func families() throws(MetricDefinitionError) -> (version: UInt64, families: [MetricFamily]) {
        let summary = HealthSummary(collectors: health.collectors, isUp: isUp, lastDataCallSuccess: dataCalls.hasSucceeded ? dataCalls.lastSuccess : nil)
        let view = AgentMetrics.View(records: records, domains: domains.summary, account: account, quality: quality, health: summary, status: status)
        var families = try AgentMetrics.families(view)
        // The one place a new month begins by the clock (a bucket of it begins it too): what is
        // served, and so what is saved after it, is always the current month's.
        usage?.advance(to: Int64(time.now()))
        if let usage {
            families += try UsageMetrics.families(UsageMetrics.View(
                book: usage, settings: configuration.usage, selected: domains.selected ?? [], now: Int64(time.now()),
                settleDelay: configuration.settleDelay, pollsWholeAccount: configuration.pollsWholeAccount,
                servesTotal: configuration.selection.shard.count == 1, reportsAccount: configuration.selection.shard.runsAccountCollectors))
        }
        return (version, families)
    }

    /// The ledgers and gauges, for the state file: the selected domains' and the departed ones'
    /// still kept (marked with `departedAt`).
    public func exportRecords() -> [String: DomainRecord] {
        forgetDeparted(now: Int64(time.now()))
        return departed.isEmpty ? records : records.merging(departed) { selected, _ in selected }
    }

    /// What one save persists, taken together: the records, the usage ledger their usage cursors
    /// account for, and the remote writes pending up to this moment, which the records' send
    /// cursors already count as sent.
    public func checkpoint() -> (records: [String: DomainRecord], usage: UsageLedger?, writes: [EncodedWrite]) {
        (exportRecords(), usage?.ledger, takePendingWrites())
    }

    /// Restores the usage ledger from the state file (before the first run), unless the usage
    /// collector is off; a ledger of an earlier month gives way to the current one.
    public func importUsage(_ ledger: UsageLedger) {
        guard usage != nil else { return }
        var book = UsageBook(ledger: ledger)
        book.advance(to: Int64(time.now()))
        usage = book
        version += 1
    }

    /// Restores ledgers from the state file (before the first run); records of domains that are
    /// not selected (or were departed when saved) are kept aside as departed.
    public func importRecords(_ restored: [String: DomainRecord]) {
        let now = Int64(time.now())
        records = [:]
        departed = [:]
        for (domain, var record) in restored {
            let selected = domains.selectedSet.map { $0.contains(domain) } ?? (record.departedAt == nil)
            if selected {
                record.departedAt = nil
                records[domain] = record
            } else {
                record.departedAt = record.departedAt ?? now
                departed[domain] = record
            }
        }
        forgetDeparted(now: now)
        version += 1
    }

    /// Drops departed records older than `--data.max-backfill`: a domain returning later starts
    /// afresh (its absence is longer than any gap the agent fills).
    private func forgetDeparted(now: Int64) {
        let horizon = now - configuration.maxBackfill
        for (domain, record) in departed where (record.departedAt ?? now) < horizon {
            departed.removeValue(forKey: domain)
        }
    }
}
