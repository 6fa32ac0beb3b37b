import Exposition
import Logging
import VODAPI

/// The agent's brain: runs poll cycles against the API, keeps the ledgers and everything the
/// metrics show, and builds the families of each snapshot.
///
/// A cycle is never overlapped: the service awaits one before scheduling the next.
public actor AgentEngine {
    /// A domain as discovery reported it.
    public struct DomainInfo: Sendable, Equatable {
        public var cname: String
        public var status: String
    }

    private let configuration: AgentConfiguration
    private let client: VODClient
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let statistics: APIStatistics
    private let readFile: @Sendable (String) throws -> String

    private(set) var records: [String: DomainRecord] = [:]
    /// While domains are polled their records are with the poll tasks, not in `records`.
    private var recordsLent = false
    private var configuredDomains: [String]
    private var discovered: [String: DomainInfo]?
    private var lastDiscovery: Int64?
    private var selected: [String] = []
    private var health: [String: CollectorHealth] = [:]
    private var quota: DescribeVodRefreshQuota.Response?
    private var taskCounts: [TaskCountKey: Int]?
    private var isUp: Bool?
    private var revisions: [String: UInt64] = [:]  // direction → count
    private var missedBuckets: UInt64 = 0
    private var invalidValues: UInt64 = 0
    private var lastErrors: [String: String] = [:]  // collector → signature of its last logged error
    private var credentialsExpiry: Int64?
    /// Whether a cycle has finished (readiness).
    public private(set) var hasCompletedCycle = false

    /// - Parameters:
    ///   - clock: seconds since the epoch.
    ///   - readFile: reads the domains file (injected for tests).
    public init(configuration: AgentConfiguration, client: VODClient, statistics: APIStatistics, clock: @escaping @Sendable () -> Int64,
                logger: Logger, readFile: @escaping @Sendable (String) throws -> String) {
        self.configuration = configuration
        self.client = client
        self.statistics = statistics
        self.clock = clock
        self.logger = logger
        self.readFile = readFile
        if case .list(let names) = configuration.domainSource { configuredDomains = names } else { configuredDomains = [] }
    }

    // MARK: Domains

    /// Reads the domains file (at start and on SIGHUP). On failure the previous list stays.
    /// - Returns: an error description, or nil on success or when no file is configured.
    @discardableResult
    public func reloadDomainsFile() -> String? {
        guard case .file(let path) = configuration.domainSource else { return nil }
        do {
            configuredDomains = try DomainsFile.parse(try readFile(path))
            logger.info("domains file read", ["path": path, "domains": String(configuredDomains.count)])
            return nil
        } catch {
            let problem = "\(error)"
            logger.error("cannot use the domains file; keeping the previous list", ["path": path, "error": problem])
            return problem
        }
    }

    private func refreshDiscovery(now: Int64, failures: inout [VODClientError]) async {
        guard configuration.domainSource == .discovery else { return }
        if let lastDiscovery, now - lastDiscovery < configuration.discoveryInterval, discovered != nil { return }
        let started = ContinuousClock.now
        do {
            let domains = try await client.allUserDomains(status: .online)
            discovered = Dictionary(domains.map { ($0.name.lowercased(), DomainInfo(cname: $0.cname, status: $0.status)) }, uniquingKeysWith: { first, _ in first })
            lastDiscovery = now
            record("discovery", error: nil, started: started)
        } catch {
            failures.append(error)
            record("discovery", error: error, started: started)
        }
    }

    private var candidateDomains: [String] {
        switch configuration.domainSource {
        case .discovery: discovered.map { Array($0.keys) } ?? []
        case .list, .file: configuredDomains
        }
    }

    // MARK: Cycles

    /// Runs one poll cycle.
    /// - Parameter spreadCalls: delay each domain by its stable jitter (every cycle but the
    ///   first, so metrics appear within seconds of start).
    public func runCycle(spreadCalls: Bool) async {
        let now = clock()
        var failures: [VODClientError] = []
        var successes = 0
        await refreshDiscovery(now: now, failures: &failures)
        selected = configuration.selection.select(candidateDomains)
        // Forget domains no longer selected: their series disappear.
        let kept = Set(selected)
        for domain in records.keys.filter({ !kept.contains($0) }) { records.removeValue(forKey: domain) }

        let domainCollectors = configuration.collectors.intersection(AgentConfiguration.Collector.perDomain)
        if !domainCollectors.isEmpty {
            let started = ContinuousClock.now
            recordsLent = true
            let results = await pollDomains(domainCollectors, spreadCalls: spreadCalls)
            var errors: [AgentConfiguration.Collector: [VODClientError]] = [:]
            for (domain, result) in results {
                records[domain] = result.record
                successes += result.successes
                for (collector, error) in result.errors { errors[collector, default: []].append(error) }
                revisions["up", default: 0] += UInt64(result.outcome.upwardRevisions)
                revisions["down", default: 0] += UInt64(result.outcome.downwardRevisions)
                missedBuckets += UInt64(result.outcome.missedBuckets)
                invalidValues += UInt64(result.outcome.invalidValues)
            }
            recordsLent = false
            for collector in domainCollectors.sorted() {
                let failed = errors[collector] ?? []
                record(collector.rawValue, error: failed.first, started: started, failedDomains: failed.count)
                failures += failed
            }
        }
        if configuration.collectors.contains(.realtime) { successes += await pollRealtime(&failures) }
        if configuration.selection.shard.runsAccountCollectors {
            if configuration.collectors.contains(.quota) { successes += await pollQuota(&failures) }
            if configuration.collectors.contains(.tasks) { successes += await pollTasks(&failures) }
        }
        credentialsExpiry = await client.credentials.currentExpiration()
        let authFailed = failures.contains { ["auth_error", "credentials_error"].contains($0.resultLabel) }
        // An API error or an undecodable 2xx answer still means the server took the request.
        let reached = successes > 0 || failures.contains { error in
            if case .decoding = error { return true }
            return error.apiError != nil
        }
        isUp = !authFailed && (reached || failures.isEmpty)
        hasCompletedCycle = true
    }

    private func pollDomains(_ collectors: Set<AgentConfiguration.Collector>, spreadCalls: Bool) async -> [(String, DomainPoller.Result)] {
        let poller = DomainPoller(client: client, configuration: configuration)
        let clock = self.clock
        let spread = spreadCalls ? configuration.jitterSpread : 0
        var pending = selected[...]
        var results: [(String, DomainPoller.Result)] = []
        await withTaskGroup(of: (String, DomainPoller.Result).self) { group in
            func startNext() {
                guard let domain = pending.popFirst() else { return }
                // Handed over, not shared: the poller then changes the record's ledgers in place
                // instead of copying every one of them each cycle. It always comes back in the
                // result; domains never started keep theirs here.
                let record = RecordHandover(records.removeValue(forKey: domain) ?? DomainRecord())
                group.addTask {
                    let delay = PollSchedule.jitter(for: domain, spread: spread)
                    if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay) * 1_000_000_000) }
                    return (domain, await poller.poll(domain, record: record.take(), now: clock, collectors: collectors))
                }
            }
            for _ in 0..<max(1, configuration.maxConcurrentDomains) { startNext() }
            for await result in group {
                results.append(result)
                startNext()
            }
        }
        return results
    }

    /// The newest 1-minute record of each selected domain, 20 domains a call (Merge=false keeps
    /// them apart; MergeLocIsp sums regions and ISPs).
    private func pollRealtime(_ failures: inout [VODClientError]) async -> Int {
        let started = ContinuousClock.now
        let end = clock() / 60 * 60
        var firstError: VODClientError?
        var calls = 0
        var failedDomains = 0
        for chunkStart in stride(from: 0, to: selected.count, by: DescribeVodDomainRealTimeDetailData.maxDomains) {
            let chunk = Array(selected[chunkStart..<min(selected.count, chunkStart + DescribeVodDomainRealTimeDetailData.maxDomains)])
            do {
                let answer = try await client.call(DescribeVodDomainRealTimeDetailData(
                    domainNames: chunk, startTime: end - DescribeVodDomainRealTimeDetailData.maxSpanSeconds, endTime: end,
                    merge: false, mergeLocIsp: true))
                calls += 1
                for domain in chunk {
                    let mine = answer.records.filter { $0.domainName.lowercased() == domain }
                    guard let minute = mine.map(\.timestamp).max() else { continue }
                    let newest = mine.filter { $0.timestamp == minute }
                    var reading = RealtimeReading(minute: minute, bytesPerSecond: nil, requestsPerSecond: nil, responsesByCode: [:])
                    for entry in newest {
                        if let bps = entry.bps, bps.isFinite, bps >= 0 { reading.bytesPerSecond = (reading.bytesPerSecond ?? 0) + bps / 8 }
                        if let qps = entry.qps, qps.isFinite, qps >= 0 { reading.requestsPerSecond = (reading.requestsPerSecond ?? 0) + qps }
                        for (code, count) in entry.httpCodes where count.isFinite && count >= 0 && code.count <= 3 && code.allSatisfy(\.isNumber) {
                            reading.responsesByCode[code, default: 0] += count
                        }
                    }
                    records[domain, default: DomainRecord()].realtime = reading
                }
            } catch {
                firstError = firstError ?? error
                failedDomains += chunk.count
                failures.append(error)
            }
        }
        record("realtime", error: firstError, started: started, failedDomains: failedDomains)
        return calls
    }

    private func pollQuota(_ failures: inout [VODClientError]) async -> Int {
        let started = ContinuousClock.now
        do {
            quota = try await client.call(DescribeVodRefreshQuota())
            record("quota", error: nil, started: started)
            return 1
        } catch {
            failures.append(error)
            record("quota", error: error, started: started)
            return 0
        }
    }

    /// Task counts by type and status from `TotalCount` alone (page size 1): per type, one call
    /// per filterable status plus one unfiltered; `pending` is what the three leave over.
    private func pollTasks(_ failures: inout [VODClientError]) async -> Int {
        let started = ContinuousClock.now
        var counts: [TaskCountKey: Int] = [:]
        do {
            for type in DescribeVodRefreshTasks.ObjectType.allCases {
                let all = try await client.call(DescribeVodRefreshTasks(pageNumber: 1, pageSize: 1, objectType: type)).totalCount
                var known = 0
                for status in DescribeVodRefreshTasks.Status.allCases {
                    let count = try await client.call(DescribeVodRefreshTasks(pageNumber: 1, pageSize: 1, objectType: type, status: status)).totalCount
                    counts[TaskCountKey(type: type.rawValue, status: status.rawValue.lowercased())] = count
                    known += count
                }
                counts[TaskCountKey(type: type.rawValue, status: "pending")] = max(0, all - known)
            }
            taskCounts = counts
            record("tasks", error: nil, started: started)
            return 1
        } catch {
            failures.append(error)
            record("tasks", error: error, started: started)
            return 0
        }
    }

    /// Updates a collector's health and logs its error once per change of error.
    /// - Parameter started: when the collector's poll began, on the monotonic clock (durations
    ///   must not jump with the wall clock, and need better than whole seconds).
    private func record(_ collector: String, error: VODClientError?, started: ContinuousClock.Instant, failedDomains: Int = 0) {
        let now = clock()
        var entry = health[collector] ?? CollectorHealth(lastSucceeded: false, lastSuccess: nil, lastDuration: 0)
        let elapsed = started.duration(to: .now)
        entry.lastDuration = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        entry.lastSucceeded = error == nil
        if error == nil { entry.lastSuccess = now }
        health[collector] = entry
        guard let error else {
            if lastErrors.removeValue(forKey: collector) != nil { logger.info("collector recovered", ["collector": collector]) }
            return
        }
        let signature = "\(error.resultLabel):\(error.apiError?.code ?? "")"
        guard lastErrors[collector] != signature else { return }
        lastErrors[collector] = signature
        var fields = ["collector": collector, "result": error.resultLabel, "error": error.description]
        if let api = error.apiError {
            fields["code"] = api.code
            fields["message"] = api.message
            fields["request_id"] = api.requestId ?? ""
        }
        if failedDomains > 0 { fields["failed_domains"] = String(failedDomains) }
        logger.error("poll failed; logged again only when the error changes", fields)
    }

    // MARK: Metrics

    /// The families of a snapshot of everything the agent knows now.
    public func families() throws(MetricDefinitionError) -> [MetricFamily] {
        let view = AgentMetrics.View(
            records: records, selected: selected, discovered: discovered, health: health, quota: quota, taskCounts: taskCounts,
            isUp: isUp, revisions: revisions, missedBuckets: missedBuckets, invalidValues: invalidValues,
            credentialsExpiry: credentialsExpiry, candidateCount: candidateDomains.count)
        return try AgentMetrics.families(view) + statistics.families()
    }

    // MARK: State

    /// The ledgers and gauges, for the state file; nil while domains are being polled (their
    /// records are with the poll tasks, so a save now would leave them out).
    public func exportRecords() -> [String: DomainRecord]? { recordsLent ? nil : records }

    /// Restores ledgers from the state file (before the first cycle).
    public func importRecords(_ restored: [String: DomainRecord]) {
        records = restored
    }
}

/// Moves a domain's record into its poll task as the only reference to it.
///
/// - Important: `@unchecked Sendable`: `take` is called once, by the one task it was made for.
private final class RecordHandover: @unchecked Sendable {
    private var record: DomainRecord?

    init(_ record: DomainRecord) {
        self.record = record
    }

    func take() -> DomainRecord {
        var taken: DomainRecord?
        swap(&taken, &record)
        guard let taken else { preconditionFailure("a record is handed over once") }
        return taken
    }
}
