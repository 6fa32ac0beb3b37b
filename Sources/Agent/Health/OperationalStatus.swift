/// How the agent itself is doing, apart from its data and its collectors' health: the rate
/// budget's projection, the configuration reloads, the state saves and the credentials in use.
/// The engine keeps one value of it; the metrics read it whole.
public struct OperationalStatus: Sendable, Equatable {
    /// Each running collector's interval.
    public var intervals: [AgentConfiguration.Collector: Int64] = [:]
    /// The run time projected for the selected domains at `--api.max-qps`.
    public var projectedRunSeconds: [AgentConfiguration.Collector: Double] = [:]
    /// Collectors projected past their deadline (each warned of once).
    var overBudget: Set<AgentConfiguration.Collector> = []
    public var reload = ReloadStatus()
    /// Nil until the state file is first written (or without one).
    public var stateSaves: StateSaveStatus?
    public var credentials = CredentialStatus()
}

/// Whether the configuration reloads (SIGHUP) worked: Prometheus's
/// `…_config_last_reload_successful` convention.
public struct ReloadStatus: Sendable, Equatable {
    public var lastSuccessful = true
    public var lastSuccess: Int64?

    mutating func succeeded(at time: Int64) {
        lastSuccessful = true
        lastSuccess = time
    }

    mutating func failed() {
        lastSuccessful = false
    }
}

/// How writing the state file has gone.
public struct StateSaveStatus: Sendable, Equatable {
    public var failures: UInt64 = 0
    public var lastSuccess: Int64?
}

/// The credentials in use: which source of the chain supplied them (nil before the first call)
/// and when they expire (nil for long-term keys).
public struct CredentialStatus: Sendable, Equatable {
    public var source: String?
    public var expiry: Int64?
}
