import Logging
import VODAPI

/// Every collector's health, and from it the agent's: `aliyun_vod_up` and `/-/ready`.
/// Also decides what a run logs: each new kind of error once, a summary of every run that
/// did not fully succeed, and the recovery.
struct HealthBook: Sendable {
    private(set) var collectors: [AgentConfiguration.Collector: CollectorHealth] = [:]
    /// Collectors with a run in progress that has already got data: a recovery shows at its
    /// first answer, not at the end of the run.
    private var gotDataInRun: Set<AgentConfiguration.Collector> = []

    /// A call of `collector`'s run in progress succeeded.
    mutating func dataArrived(for collector: AgentConfiguration.Collector) {
        gotDataInRun.insert(collector)
    }

    /// Applies a finished run and logs what it tells.
    mutating func record(_ report: RunReport, logger: Logger) {
        var health = collectors[report.collector] ?? CollectorHealth()
        gotDataInRun.remove(report.collector)
        let previousKinds = health.lastKinds
        health.runs += 1
        health.lastSucceeded = report.succeededFully
        // A run with no item (a shard that owns no domain of a current list) had nothing to get.
        health.lastGotData = report.problem == nil && (report.succeeded > 0 || report.items == 0)
        if report.succeededFully { health.lastSuccess = Int64(report.endedAt) }
        if let first = report.firstCall, let last = report.lastAnswer { health.lastDuration = max(0, last - first) } else { health.lastDuration = 0 }
        health.lastElapsed = max(0, report.endedAt - report.scheduledAt)
        var kinds = Set(report.failures.keys)
        if let problem = report.problem {
            kinds.insert(problem.reason)
            health.failures[problem.reason, default: 0] += 1
        }
        for (kind, failure) in report.failures {
            health.failures[Self.reason(of: kind), default: 0] += UInt64(failure.count)
        }
        health.lastKinds = kinds
        health.lastProblem = Self.problem(of: report)
        collectors[report.collector] = health

        for kind in kinds.subtracting(previousKinds).sorted() {
            logger.error("collector failed; logged again only when the error changes", Self.fields(of: kind, in: report))
        }
        if let problem = health.lastProblem {
            var fields = ["collector": report.collector.rawValue, "by_kind": Self.summary(report), "problem": problem]
            if report.problem == nil {
                fields["failed"] = String(report.failedItems)
                fields["items"] = String(report.items)
            }
            logger.warn("collector run incomplete", fields)
        } else if !previousKinds.isEmpty {
            logger.info("collector recovered", ["collector": report.collector.rawValue])
        }
    }

    /// Whether data arrives: no stop of the data calls, and the latest run of at least one of
    /// `dataCollectors` (or its run in progress) got data. Bad credentials, an unreachable or
    /// hung API, no domain list and no selected domain all leave every data collector without data.
    func isUp(dataCollectors: [AgentConfiguration.Collector], stop: DataCallWatch.Stop?) -> Bool {
        stop == nil && dataCollectors.contains { collectors[$0]?.lastGotData == true || gotDataInRun.contains($0) }
    }

    /// `/-/ready`: ready while up; otherwise why not, one line per data collector.
    func readiness(dataCollectors: [AgentConfiguration.Collector], stop: DataCallWatch.Stop?) -> (ready: Bool, reason: String) {
        if isUp(dataCollectors: dataCollectors, stop: stop) { return (true, "ready") }
        let lines = dataCollectors.sorted().map { collector -> String in
            let name = collector.rawValue
            guard let health = collectors[collector] else { return "\(name): first run in progress" }
            return "\(name): \(health.lastProblem ?? (health.lastGotData ? "latest run complete" : "no data"))"
        }
        let headline = stop?.description ?? "no data collector has data"
        return (false, "not ready: \(headline)\n" + lines.joined(separator: "\n"))
    }

    /// The reason label of a failure kind (its part before the API code).
    static func reason(of kind: String) -> String {
        String(kind.prefix { $0 != ":" })
    }

    private static func summary(_ report: RunReport) -> String {
        var parts = report.failures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.count)" }
        if let problem = report.problem { parts.append(problem.reason) }
        return parts.joined(separator: ",")
    }

    private static func problem(of report: RunReport) -> String? {
        if let problem = report.problem { return problem.detail }
        guard report.failedItems > 0 else { return nil }
        let worst = report.failures.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }!
        let what = worst.key == "deadline" ? "unfinished at the run's deadline" : (worst.value.example?.description ?? worst.key)
        return "\(report.failedItems) of \(report.items) failed; \(worst.value.count) \(what)"
    }

    private static func fields(of kind: String, in report: RunReport) -> [String: String] {
        var fields = ["collector": report.collector.rawValue, "kind": kind]
        if let problem = report.problem, problem.reason == kind {
            fields["error"] = problem.detail
            return fields
        }
        guard let failure = report.failures[kind] else { return fields }
        fields["failed"] = String(failure.count)
        fields["items"] = String(report.items)
        fields["example"] = failure.exampleItem
        if kind == "deadline" {
            fields["error"] = "unfinished when the run's deadline passed: the API is slow or hung, or the calls do not fit the interval at --api.max-qps"
        } else if let error = failure.example {
            fields["result"] = error.resultLabel
            fields["error"] = error.description
            if let api = error.apiError {
                fields["code"] = api.code
                fields["message"] = api.message
                fields["request_id"] = api.requestId ?? ""
            }
        }
        return fields
    }
}
