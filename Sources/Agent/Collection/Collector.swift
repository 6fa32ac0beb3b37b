import VODAPI

/// One kind of data the agent collects, on its own cadence. A collector fetches; the engine
/// applies what it fetched: collectors hold no state of their own.
protocol Collector: Sendable {
    /// Which collector it is (its raw value is the `collector` label of its health metrics).
    var kind: AgentConfiguration.Collector { get }
    var cadence: Cadence { get }

    /// The work of one run, or why there is none (no domain list yet).
    func plan(_ engine: AgentEngine) async -> Result<[WorkItem], RunProblem>

    /// Fetches one item and hands what it got to the engine.
    /// - Returns: the error that stopped it, or nil when it finished.
    func perform(_ item: WorkItem, engine: AgentEngine) async -> VODClientError?
}

/// One unit of a collector run: a domain, a realtime call of up to 20 domains, or an
/// account-wide query.
struct WorkItem: Sendable, Equatable {
    /// Where its work starts within a spread run (the domain, or the first domain of a call).
    var key: String
    var domains: [String]

    init(key: String, domains: [String] = []) {
        self.key = key
        self.domains = domains
    }
}

/// Why a run had nothing it could do.
public struct RunProblem: Error, Sendable, Equatable {
    /// A bounded label for metrics (`no_domain_list`).
    public var reason: String
    /// The detail for logs and `/-/ready`.
    public var detail: String
}
