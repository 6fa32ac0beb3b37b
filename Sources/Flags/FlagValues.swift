import Primitives

/// Flag values after parsing, read through their declarations (``Flag``): a value of the flag's
/// type, or a `UsageError` that names where a bad value came from.
public struct FlagValues: Sendable, Equatable {
    /// Values given per flag name (command line, else environment), in order.
    let given: [String: [String]]
    /// Where each given value came from, for messages (`--name` or `$VAR`).
    let sources: [String: String]
    /// Arguments that are not flags, in order.
    public let positionals: [String]
    /// Environment variables that were set for command-line-only flags and so not read.
    public internal(set) var ignoredEnvironment: [String] = []

    /// The flag's value: what was given, else its default.
    /// - Throws: `UsageError` when the given text is not a valid value of the flag.
    public func value<Value>(_ flag: Flag<Value>) throws(UsageError) -> Value {
        let texts = given[flag.definition.name] ?? []
        guard let value = flag.convert(texts) else {
            throw invalid(flag, texts.last ?? "", expected: flag.expected)
        }
        return value
    }

    /// Whether the flag was set on the command line or in the environment.
    public func isSet(_ flag: some FlagDeclaration) -> Bool {
        given[flag.definition.name] != nil
    }

    /// An error about `flag` for a value that could not be used, naming where it came from.
    public func invalid(_ flag: some FlagDeclaration, _ value: String, expected: String) -> UsageError {
        let name = flag.definition.name
        return UsageError("\(sources[name] ?? "--\(name)"): \"\(value)\" is not \(expected)")
    }

    /// The items of one comma-separated value, blanks trimmed, empty items dropped.
    static func items(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
