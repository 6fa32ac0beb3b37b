/// What the simulator serves and accepts.
public struct SimulatorConfiguration: Sendable {
    /// The account's domains (all online), in order.
    public var domains: [String]
    /// Domains whose traffic spikes (×6 for 30 minutes every 3 hours), for alert rules to fire on.
    public var spikingDomains: Set<String>
    /// The one key pair requests must be signed with.
    public var accessKeyId: String
    public var accessKeySecret: String
    /// Faults active from the start.
    public var faults: FaultSet
    /// How far the request timestamp may be from the server's clock (the gateway's window).
    public var timestampTolerance: Int64
    /// Seconds a refresh or preload task stays `Refreshing`.
    public var taskSeconds: Int64

    public static let defaultDomains = ["video.example.com", "live.example.com", "cdn.example.net", "vod.example.org"]

    public init(domains: [String] = defaultDomains, spikingDomains: Set<String> = ["live.example.com"],
                accessKeyId: String = "LTAI5tSimulatorKeyId", accessKeySecret: String = "SimulatorSecretNotForProduction",
                faults: FaultSet = FaultSet(), timestampTolerance: Int64 = 900, taskSeconds: Int64 = 20) {
        self.domains = domains.map { $0.lowercased() }
        self.spikingDomains = Set(spikingDomains.map { $0.lowercased() })
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.faults = faults
        self.timestampTolerance = timestampTolerance
        self.taskSeconds = taskSeconds
    }
}
