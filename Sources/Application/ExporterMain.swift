import Agent
import Exposition
import Flags
import FoundationEssentials
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
        let polling = Task { await assembly.service.run() }
        for await number in signals.signals {
            if number == SIGHUP {
                logger.info("SIGHUP: reloading the domains file and the credential sources")
                assembly.credentials.reload()
                await assembly.service.reload()
                continue
            }
            logger.info("stopping; a second signal exits at once", ["signal": number == SIGTERM ? "SIGTERM" : "SIGINT"])
            break
        }
        // Stop the collectors; a run stuck in slow API calls gets 2 s, then the state is saved
        // anyway and the listener finishes its responses, all within the 5 s budget.
        polling.cancel()
        if await !TaskDeadline.wait(for: polling, seconds: 2) {
            logger.warn("a collector run was still in progress at stop; stopping without it")
            await assembly.service.saveState()
        }
        await endpoint.server.stop(gracePeriod: 2)
        return ExitStatus.success
    }

    static func writeError(_ text: String) {
        StandardStreams.writeError(text)
    }
}
