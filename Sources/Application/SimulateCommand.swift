import Flags
import FoundationEssentials
import Logging
import Primitives
import Simulator
import VODAPI
import WebServer
#if canImport(Glibc)
import Glibc
#endif

/// `vodcdn-exporter simulate`: the VOD API simulator on its own, for trying the agent, the
/// operator commands or the official SDKs without a cloud account.
enum SimulateCommand {
    static let listenAddress = Flag.string("web.listen-address", default: "127.0.0.1:10791", placeholder: "ADDRESS",
        help: "Address the simulated API listens on.")
    static let domains = Flag.list("domains", default: SimulatorConfiguration.defaultDomains, placeholder: "LIST",
        help: "The account's domains, comma-separated.")
    static let domainCount = Flag.optionalInteger("domain-count", in: 1...1_000_000, placeholder: "N",
        help: "Instead of --domains: N generated domains d0.example.com … (for load tests; a long --domains list exceeds the argument size limit).")
    static let spike = Flag.list("spike", default: ["live.example.com"], placeholder: "LIST", help: "Domains whose traffic spikes (×6 for 30 minutes every 3 hours).")
    static let faults = Flag.string("faults", default: "", placeholder: "LIST",
        help: "Faults to inject: throttle[:P], 5xx[:P], slow:D, hang, truncate, malformed, types, clock:±D, auth, absurd, error200, hide:NAME (change at run time: POST /-/simulator/faults?set=…).")
    static let taskDuration = Flag.duration("task-duration", default: 20, help: "How long refresh and preload tasks stay Refreshing.")
    static let accessKeyId = Flag.string("access-key-id", default: "LTAI5tSimulatorKeyId", placeholder: "ID", help: "The AccessKeyId requests must be signed with.")
    static let accessKeySecret = Flag.string("access-key-secret", default: "SimulatorSecretNotForProduction", placeholder: "SECRET", help: "Its secret.")
    static let clock = Flag.optionalString("clock", placeholder: "TIME",
        help: "Stand the simulator's clock still at TIME (RFC 3339), for answers that are the same at every run; requests signed at any time are then accepted.")

    /// The simulator's flags, in `--help` order.
    static let flags: [any FlagDeclaration] = [
        listenAddress, domains, domainCount, spike, faults, taskDuration, accessKeyId, accessKeySecret, clock,
    ] + LogOptions.flags

    static func configuration(_ flags: FlagValues) throws(UsageError) -> (SimulatorConfiguration, ListenAddress, frozenAt: Int64?) {
        var domains = try flags.value(Self.domains).map { $0.lowercased() }
        if let count = try flags.value(Self.domainCount) {
            domains = (0..<count).map { "d\($0).example.com" }
        }
        guard !domains.isEmpty else { throw UsageError("--domains: give at least one domain") }
        let (faultsText, addressText) = (try flags.value(Self.faults), try flags.value(Self.listenAddress))
        let faults: FaultSet
        do {
            faults = try FaultSet(parsing: faultsText)
        } catch {
            throw UsageError("--faults: \(error.description)")
        }
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: addressText)
        } catch {
            throw UsageError("--web.listen-address: \(error.description)")
        }
        var frozenAt: Int64?
        if let text = try flags.value(Self.clock) {
            guard let time = UTCTimestamp.parse(text) else { throw UsageError("--clock: \"\(text.prefix(40))\" is not an RFC 3339 time such as 2026-12-01T01:00:00Z") }
            frozenAt = time
        }
        var configuration = SimulatorConfiguration(
            domains: domains, spikingDomains: Set(try flags.value(Self.spike)),
            accessKeyId: try flags.value(Self.accessKeyId), accessKeySecret: try flags.value(Self.accessKeySecret), faults: faults,
            taskSeconds: Int64(try flags.value(Self.taskDuration)))
        // A clock that stands still is far from the clients' own: the signature's time check is off.
        if frozenAt != nil { configuration.timestampTolerance = Int64(Int32.max) }
        return (configuration, address, frozenAt)
    }

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        let configuration: SimulatorConfiguration, address: ListenAddress, logger: Logger, frozenAt: Int64?
        do {
            let flags = try FlagParser.parse(arguments, environment: environment, flags: Self.flags)
            (configuration, address, frozenAt) = try Self.configuration(flags)
            logger = try LogOptions.logger(flags, clock: { Date().timeIntervalSince1970 })
        } catch {
            ExporterMain.writeError("\(ProductVersion.name) simulate: \(error.message)\nRun '\(ProductVersion.name) simulate --help' for the flags.\n")
            return ExitStatus.usage
        }
        let signals = SignalWatcher()
        let clock: (@Sendable () -> Int64)? = frozenAt.map { instant in { @Sendable in instant } }
        let simulator = SimulatorServer(configuration: configuration, listenAddress: address, logger: logger.with("component", "simulator"), clock: clock)
        let port: UInt16
        do {
            port = try simulator.start()
        } catch {
            logger.error("cannot start the simulator", ["error": error.description])
            return ExitStatus.failure
        }
        let host = address.urlHost
        print("""
            VOD API simulator
              endpoint:          http://\(host):\(port)
              access key id:     \(configuration.accessKeyId)
              access key secret: \(configuration.accessKeySecret)
              domains:           \(configuration.domains.joined(separator: ", "))
              faults:            \(configuration.faults)   (change: curl -X POST 'http://\(host):\(port)/-/simulator/faults?set=throttle:0.5')
            \(frozenAt.map { "  clock:             stands at \(UTCTimestamp.format($0))\n" } ?? "")Try: \(ProductVersion.name) --aliyun.endpoint http://\(host):\(port)  (with ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET set as above)
            """)
        StandardStreams.flushOutput()
        for await number in signals.signals where number != SIGHUP { break }
        simulator.stop()
        return ExitStatus.success
    }
}
