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
    static let definitions: [FlagDefinition] = [
        FlagDefinition("web.listen-address", default: "127.0.0.1:10791", placeholder: "ADDRESS", help: "Address the simulated API listens on."),
        FlagDefinition("domains", default: SimulatorConfiguration.defaultDomains.joined(separator: ","), placeholder: "LIST",
                       help: "The account's domains, comma-separated."),
        FlagDefinition("domain-count", .integer, placeholder: "N",
                       help: "Instead of --domains: N generated domains d0.example.com … (for load tests; a long --domains list exceeds the argument size limit)."),
        FlagDefinition("spike", default: "live.example.com", placeholder: "LIST", help: "Domains whose traffic spikes (×6 for 30 minutes every 3 hours)."),
        FlagDefinition("faults", default: "", placeholder: "LIST",
                       help: "Faults to inject: throttle[:P], 5xx[:P], slow:D, hang, truncate, malformed, types, clock:±D, auth (change at run time: POST /-/simulator/faults?set=…)."),
        FlagDefinition("task-duration", .duration, default: "20s", help: "How long refresh and preload tasks stay Refreshing."),
        FlagDefinition("access-key-id", default: "LTAI5tSimulatorKeyId", placeholder: "ID", help: "The AccessKeyId requests must be signed with."),
        FlagDefinition("access-key-secret", default: "SimulatorSecretNotForProduction", placeholder: "SECRET", help: "Its secret."),
    ] + LogOptions.definitions

    static func configuration(_ flags: FlagValues) throws(UsageError) -> (SimulatorConfiguration, ListenAddress) {
        var domains = (flags.string("domains") ?? "").split(separator: ",").map { String($0).lowercased() }.filter { !$0.isEmpty }
        if let count = try flags.integer("domain-count", in: 1...1_000_000) {
            domains = (0..<count).map { "d\($0).example.com" }
        }
        guard !domains.isEmpty else { throw UsageError("--domains: give at least one domain") }
        let faults: FaultSet
        do {
            faults = try FaultSet(parsing: flags.string("faults") ?? "")
        } catch {
            throw UsageError("--faults: \(error.description)")
        }
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: flags.string("web.listen-address") ?? "")
        } catch {
            throw UsageError("--web.listen-address: \(error.description)")
        }
        let configuration = SimulatorConfiguration(
            domains: domains, spikingDomains: Set((flags.string("spike") ?? "").split(separator: ",").map(String.init)),
            accessKeyId: flags.string("access-key-id") ?? "", accessKeySecret: flags.string("access-key-secret") ?? "", faults: faults,
            taskSeconds: Int64(try flags.duration("task-duration") ?? 20))
        return (configuration, address)
    }

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        let configuration: SimulatorConfiguration, address: ListenAddress, logger: Logger
        do {
            let flags = try FlagParser.parse(arguments, environment: environment, definitions: definitions)
            (configuration, address) = try Self.configuration(flags)
            logger = try LogOptions.logger(flags, clock: { Date().timeIntervalSince1970 })
        } catch {
            ExporterMain.writeError("\(ProductVersion.name) simulate: \(error.message)\nRun '\(ProductVersion.name) simulate --help' for the flags.\n")
            return ExitStatus.usage
        }
        let signals = SignalWatcher()
        let simulator = SimulatorServer(configuration: configuration, listenAddress: address, logger: logger.with("component", "simulator"))
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
            Try: \(ProductVersion.name) --aliyun.endpoint http://\(host):\(port)  (with ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET set as above)
            """)
        StandardStreams.flushOutput()
        for await number in signals.signals where number != SIGHUP { break }
        simulator.stop()
        return ExitStatus.success
    }
}
