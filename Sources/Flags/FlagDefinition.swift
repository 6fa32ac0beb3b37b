/// What the parser and `--help` know of one flag (``Flag`` adds its type): `--name value`,
/// `--name=value`, or for booleans `--name` / `--no-name`; also settable through an environment
/// variable, unless it is command-line only. Flags on the command line win over the environment,
/// which wins over the default.
public struct FlagDefinition: FlagDeclaration, Equatable {
    /// The kind of value: booleans take no argument; the others name their placeholder.
    public enum Kind: Sendable, Equatable {
        case string, integer, number, duration, boolean
    }

    /// The name without dashes, in Prometheus style (`web.listen-address`).
    public let name: String
    public let kind: Kind
    /// The default as it would be written on the command line; nil when there is none.
    public let defaultValue: String?
    /// Whether the flag may be given several times (from the environment: comma-separated).
    public let isRepeatable: Bool
    /// One line for `--help`.
    public let help: String
    /// The word shown after the flag in `--help` (`ADDRESS`, `PATH`…).
    public let placeholder: String
    /// Only the command line sets it: for choices that change what an operation destroys or
    /// that bypass a safety check, which a stale variable in a shell or CI job must never make.
    public let isCommandLineOnly: Bool
    /// For a flag that no longer exists: what to use instead. Giving it is a usage error that
    /// says so; `--help` does not list it.
    public let removal: String?
    /// The environment variable, when the one derived from the name would mean something else
    /// in other commands (one variable, one meaning).
    private let environmentName: String?

    /// - Parameters:
    ///   - commandLineOnly: the environment variable is ignored (with a warning).
    ///   - environment: the variable's name instead of the derived one.
    public init(_ name: String, _ kind: Kind = .string, default defaultValue: String? = nil, repeatable: Bool = false,
                placeholder: String? = nil, commandLineOnly: Bool = false, removal: String? = nil, environment: String? = nil, help: String) {
        precondition(!name.hasPrefix("-") && !name.isEmpty, "flag names are given without dashes")
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.isRepeatable = repeatable
        self.help = help
        self.placeholder = placeholder ?? Self.defaultPlaceholder(kind)
        self.isCommandLineOnly = commandLineOnly
        self.removal = removal
        self.environmentName = environment
    }

    public var definition: FlagDefinition { self }

    /// The environment variable that sets this flag: `VODCDN_` + the name upper-cased with
    /// `.` and `-` as `_` (`--web.listen-address` → `VODCDN_WEB_LISTEN_ADDRESS`).
    public var environmentVariable: String {
        environmentName ?? "VODCDN_" + String(name.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 })
    }

    private static func defaultPlaceholder(_ kind: Kind) -> String {
        switch kind {
        case .string: "VALUE"
        case .integer: "N"
        case .number: "X"
        case .duration: "DURATION"
        case .boolean: ""
        }
    }
}
