import Flags
import FoundationEssentials
import Primitives
import VODAPI

/// One operator subcommand (`refresh`, `tasks`, …).
protocol OperatorCommand: Sendable {
    /// The word after the program name.
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// Usage line and examples for `--help`.
    static var usage: String { get }
    /// The command's own flags (the API and output flags are added).
    static var flags: [any FlagDeclaration] { get }
    /// Whether bare arguments are accepted (URLs for refresh/preload).
    static var takesArguments: Bool { get }
    /// Whether `--output table|json` applies (not for a command whose `--output` is a file).
    static var formatsOutput: Bool { get }

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32
}

extension OperatorCommand {
    static var formatsOutput: Bool { true }
}

/// Why a command stopped: exit 64 for usage, 1 for everything else.
enum CommandFailure: Error {
    case usage(UsageError)
    case api(VODClientError)
    case failed(String)
    /// A failure the command has already reported on standard output; this is its summary.
    case reported(String)

    var exitStatus: Int32 {
        if case .usage = self { return ExitStatus.usage }
        return ExitStatus.failure
    }

    var message: String {
        switch self {
        case .usage(let error): error.message
        case .api(let error):
            // The fix `check` would give, on its own line.
            if case .api(let action, _) = error, case let fix = ErrorAdvice.fix(for: error, action: action), !fix.isEmpty {
                "\(error.description)\n→ \(fix)"
            } else {
                error.description
            }
        case .failed(let text), .reported(let text): text
        }
    }
}

/// What every operator command gets: its flags, a client, the output format, the clock.
struct OperatorSession: Sendable {
    /// The command's name (`refresh`), for the commands it suggests.
    let command: String
    let flags: FlagValues
    let client: VODClient
    let credentials: ReloadableCredentialsProvider
    let api: APIOptions
    /// The process environment (the credential chain's variables, for `check`).
    let environment: [String: String]
    let isJSON: Bool
    let now: @Sendable () -> Int64

    /// Runs an API call, turning its error into a command failure: a request that breaks the
    /// API's documented rules (nothing was sent) is the user's input, so a usage error.
    func call<Operation: VODOperation>(_ operation: Operation) async throws(CommandFailure) -> Operation.Response {
        do {
            return try await client.call(operation)
        } catch {
            if case .invalidRequest(let problem) = error { throw .usage(UsageError(problem.description)) }
            throw .api(error)
        }
    }

    /// Prints the table, or the JSON value when `--output json`.
    func emit(table: @autoclosure () -> String, json: @autoclosure () -> JSONValue) {
        if isJSON {
            print(json().serialized(indent: 2))
        } else {
            print(table(), terminator: "")
        }
    }

    /// A flag's value, or its `UsageError` as a usage failure.
    func value<Value>(_ flag: Flag<Value>) throws(CommandFailure) -> Value {
        try usage { () throws(UsageError) in try flags.value(flag) }
    }

    /// The result of a step that checks what the user gave, its `UsageError` as a usage failure.
    func usage<T>(_ body: () throws(UsageError) -> T) throws(CommandFailure) -> T {
        do {
            return try body()
        } catch {
            throw .usage(error)
        }
    }
}

/// Runs operator commands: flags, client, errors and exit statuses in one place.
enum OperatorCommands {
    static let all: [any OperatorCommand.Type] = [
        RefreshCommand.self, PreloadCommand.self, TasksCommand.self, QuotaCommand.self, TrafficCommand.self, BandwidthCommand.self,
        LogsCommand.self, DomainsCommand.self, UsageCommand.self, CheckCommand.self, BackfillCommand.self,
    ]

    static let output = Flag.choice("output", default: "table", placeholder: "table|json", expected: "table or json",
                                    help: "Human tables, or stable JSON for scripts.") { ["table", "json"].contains($0) ? $0 : nil }

    /// The flags every operator command takes after its own.
    static let sharedFlags: [any FlagDeclaration] = [output] + APIOptions.flags

    /// Everything `command` reads: its own flags, then the shared ones.
    static func flags(of command: any OperatorCommand.Type) -> [any FlagDeclaration] {
        command.flags + (command.formatsOutput ? sharedFlags : APIOptions.flags)
    }

    static func command(named name: String) -> (any OperatorCommand.Type)? {
        all.first { $0.name == name }
    }

    static func run(_ command: any OperatorCommand.Type, _ arguments: [String], environment: [String: String]) async -> Int32 {
        let declared = flags(of: command)
        if arguments.contains("--help") || arguments.contains("-h") {
            print("\(command.usage)\n\nFlags (each can also be set through the environment variable shown):\n\(UsageText.flags(declared))", terminator: "")
            return ExitStatus.success
        }
        if let problem = ExporterMain.signingProblem() {
            ExporterMain.writeError("\(ProductVersion.name) \(command.name): \(problem)\n")
            return ExitStatus.failure
        }
        let session: OperatorSession
        do {
            let flags = try FlagParser.parse(arguments, environment: environment, flags: declared, allowsPositionals: command.takesArguments)
            let output = command.formatsOutput ? try flags.value(Self.output) : "table"
            let api = try APIOptions(flags)
            // Retries are never silent: on a terminal, a line per retry on standard error.
            let showRetries = StandardStreams.isTerminal(2)
            let (client, credentials) = api.makeClient(environment: environment, onRetry: { notice in
                if showRetries { ExporterMain.writeError("\(ProductVersion.name) \(command.name): \(notice.line)\n") }
            })
            session = OperatorSession(command: command.name, flags: flags, client: client, credentials: credentials, api: api,
                                      environment: environment, isJSON: output == "json", now: { Int64(Date().timeIntervalSince1970) })
            for variable in flags.ignoredEnvironment {
                ExporterMain.writeError("\(ProductVersion.name) \(command.name): \(variable) is ignored: that choice is taken from the command line only.\n")
            }
        } catch {
            ExporterMain.writeError("\(ProductVersion.name) \(command.name): \(error.message)\nRun '\(ProductVersion.name) \(command.name) --help' for usage.\n")
            return ExitStatus.usage
        }
        do {
            return try await command.run(session)
        } catch {
            let hint = error.exitStatus == ExitStatus.usage ? "\nRun '\(ProductVersion.name) \(command.name) --help' for usage." : ""
            ExporterMain.writeError("\(ProductVersion.name) \(command.name): \(error.message)\(hint)\n")
            return error.exitStatus
        }
    }
}
