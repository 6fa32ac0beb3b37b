import Agent
import Exposition
import Flags
import FoundationEssentials
import Lifecycle
import Logging
import Primitives
import VODAPI
#if canImport(Glibc)
import Glibc
#endif

/// The binary's entry point: picks the command from the arguments and runs it.
public enum ExporterMain {
    /// Runs the command in `arguments` (without the program name) and returns the exit status.
    public static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        switch arguments.first {
        case "--version", "version":
            print(BuildInfo.versionText)
            return ExitStatus.success
        case "--help", "-h", "help":
            print(usage, terminator: "")
            return ExitStatus.success
        case "demo":
            return await DemoCommand.run(Array(arguments.dropFirst()), environment: environment)
        case "simulate":
            if arguments.contains("--help") {
                print("\(ProductVersion.name) simulate [FLAGS]: the VOD API simulator.\n\nFlags:\n\(UsageText.flags(SimulateCommand.flags))", terminator: "")
                return ExitStatus.success
            }
            return await SimulateCommand.run(Array(arguments.dropFirst()), environment: environment)
        default:
            if let name = arguments.first, let command = OperatorCommands.command(named: name) {
                return await OperatorCommands.run(command, Array(arguments.dropFirst()), environment: environment)
            }
            return await runAgent(arguments, environment: environment)
        }
    }

    static let agentFlags = AgentOptions.flags + WebOptions.flags + LogOptions.flags

    static var usage: String {
        """
        \(ProductVersion.name) \(ProductVersion.version): Prometheus exporter and operator CLI for Alibaba Cloud ApsaraVideo VOD CDN.

        Usage:
          \(ProductVersion.name) [FLAGS]         run the exporter (serves /metrics)
          \(ProductVersion.name) demo            the exporter against the built-in API simulator: no account needed
          \(ProductVersion.name) simulate        the VOD API simulator alone (simulate --help for its flags)
        \(OperatorCommands.all.map { "  \(ProductVersion.name) \($0.name + String(repeating: " ", count: max(0, 15 - $0.name.count))) \($0.summary)" }.joined(separator: "\n"))
          \(ProductVersion.name) --version       print the version
          \(ProductVersion.name) --help          print this help

        Each command has --help with its flags and examples.

        Flags of the exporter (each can also be set through the environment variable shown):
        \(UsageText.flags(agentFlags))
        """
    }

    /// Why API requests cannot be signed here, or nil: every request needs a random nonce, and
    /// none is ever made up.
    static func signingProblem() -> String? {
        do {
            _ = try NonceSource.system.next()
            return nil
        } catch {
            return "cannot sign API requests: \(error.description); no request is sent with a nonce that is not random"
        }
    }

    /// Runs the agent until SIGTERM/SIGINT.
    /// - Parameter announce: called with the metrics URL once the listener is up (the demo prints it).
    static func runAgent(_ arguments: [String], environment: [String: String], announce: ((String) -> Void)? = nil) async -> Int32 {
        let web: WebOptions, options: AgentOptions, logger: Logger
        do {
            let flags = try FlagParser.parse(arguments, environment: environment, flags: agentFlags)
            web = try WebOptions(flags)
            options = try AgentOptions(flags)
            logger = try LogOptions.logger(flags, clock: { Date().timeIntervalSince1970 })
        } catch {
            writeError("\(ProductVersion.name): \(error.message)\nRun '\(ProductVersion.name) --help' for the flags.\n")
            return ExitStatus.usage
        }
        if let problem = signingProblem() {
            writeError("\(ProductVersion.name): \(problem)\n")
            return ExitStatus.failure
        }
        let signals = SignalWatcher()
        let assembly: AgentAssembly
        do {
            assembly = try AgentAssembly(options: options, environment: environment, logger: logger)
        } catch {
            writeError("\(ProductVersion.name): \(error.description)\n")
            return ExitStatus.usage
        }
        do {
            // Before the listener: a domains file that cannot be read at start is the operator's
            // mistake to fix now, not a state to run in.
            try await assembly.service.prepare()
        } catch {
            writeError("\(ProductVersion.name): \(error.description)\nRun '\(ProductVersion.name) --help' for the flags.\n")
            return ExitStatus.usage
        }
        let endpoint: MetricsEndpoint
        do {
            endpoint = try MetricsEndpoint(options: web, publisher: assembly.publisher, readiness: { assembly.service.readiness }, logger: logger)
        } catch {
            writeError("\(ProductVersion.name): \(error.description)\n")
            return ExitStatus.usage
        }
        do {
            try endpoint.server.start()
        } catch {
            logger.error("cannot start the listener", ["error": "\(error)"])
            return ExitStatus.failure
        }
        logger.info("started", [
            "version": ProductVersion.version, "metrics": web.telemetryPath, "endpoint": options.api.client.endpoint.description,
            "shard": options.agent.selection.shard.description,
        ])
        if let announce {
            let host = web.server.listenAddress.urlHost
            announce("\(endpoint.servesTLS ? "https" : "http")://\(host):\(endpoint.server.port ?? 0)\(web.telemetryPath)")
        }
        // Stopped in reverse order: the signals, then the collectors (state saved once, last
        // writes queued), then the shipper (its last flush), then the listener.
        let stop = GracefulShutdown()
        var services: [ServiceGroup.Member] = [.init("listener", ListenerService(server: endpoint.server, gracePeriod: 2))]
        if let shipper = assembly.shipper { services.append(.init("remote-write", shipper)) }
        services.append(.init("agent", assembly.service))
        services.append(.init("signals", SignalService(watcher: signals, reload: {
            assembly.credentials.reload()
            await assembly.service.reload()
        }, stop: stop, stopBound: stopBound, logger: logger)))
        let outcome = await ServiceGroup(services, bound: stopBound, logger: logger).run(until: stop)
        return outcome.endedByItself == nil ? ExitStatus.success : ExitStatus.failure
    }

    /// Seconds from SIGTERM to exit at most: the collectors stop, the state is saved, the
    /// remote-write queue flushed and the listener closed within it (the systemd unit and the
    /// Kubernetes manifests allow 10).
    static let stopBound = 8.0

    static func writeError(_ text: String) {
        StandardStreams.writeError(text)
    }
}
