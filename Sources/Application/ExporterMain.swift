import Exposition
import Flags
import Foundation
import Logging
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
            print("\(ProductVersion.name) \(ProductVersion.version)")
            return ExitStatus.success
        case "--help", "-h", "help":
            print(usage, terminator: "")
            return ExitStatus.success
        default:
            return await runAgent(arguments, environment: environment)
        }
    }

    static let agentDefinitions = WebOptions.definitions + LogOptions.definitions

    static var usage: String {
        """
        \(ProductVersion.name) \(ProductVersion.version): Prometheus exporter and operator CLI for Alibaba Cloud ApsaraVideo VOD CDN.

        Usage:
          \(ProductVersion.name) [FLAGS]      run the exporter (serves /metrics)
          \(ProductVersion.name) --version    print the version
          \(ProductVersion.name) --help       print this help

        Flags (each can also be set through the environment variable shown):
        \(UsageText.flags(agentDefinitions))
        """
    }

    static func runAgent(_ arguments: [String], environment: [String: String]) async -> Int32 {
        let flags: FlagValues, web: WebOptions, logger: Logger
        do {
            flags = try FlagParser.parse(arguments, environment: environment, definitions: agentDefinitions)
            web = try WebOptions(flags)
            logger = try LogOptions.logger(flags, clock: { Date().timeIntervalSince1970 })
        } catch {
            writeError("\(ProductVersion.name): \(error.message)\nRun '\(ProductVersion.name) --help' for the flags.\n")
            return ExitStatus.usage
        }
        let signals = SignalWatcher()
        let publisher = MetricsPublisher()
        do {
            publisher.publish(try ExpositionSnapshot(families: [BuildInfo.family]))
        } catch {
            preconditionFailure("built-in families clash: \(error)")
        }
        let endpoint: MetricsEndpoint
        do {
            endpoint = try MetricsEndpoint(options: web, publisher: publisher, isReady: { true }, logger: logger)
            try endpoint.server.start()
        } catch {
            logger.error("cannot start the listener", ["error": "\(error)"])
            return ExitStatus.failure
        }
        logger.info("started", ["version": ProductVersion.version, "metrics": web.telemetryPath])
        for await number in signals.signals where number != SIGHUP {
            logger.info("stopping; a second signal exits at once", ["signal": number == SIGTERM ? "SIGTERM" : "SIGINT"])
            break
        }
        await endpoint.server.stop(gracePeriod: 5)
        return ExitStatus.success
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
