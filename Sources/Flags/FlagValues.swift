import Primitives

/// Flag values after parsing, read with typed accessors that name the flag in their errors.
public struct FlagValues: Sendable, Equatable {
    /// Values given per flag name (command line, else environment), in order.
    let given: [String: [String]]
    /// Where each given value came from, for messages (`--name` or `$VAR`).
    let sources: [String: String]
    let definitions: [String: FlagDefinition]
    /// Arguments that are not flags, in order.
    public let positionals: [String]
    /// Environment variables that were set for command-line-only flags and so not read.
    public internal(set) var ignoredEnvironment: [String] = []

    /// Whether the flag was set on the command line or in the environment.
    public func isSet(_ name: String) -> Bool {
        given[name] != nil
    }

    /// The last value of a flag, or its default.
    public func string(_ name: String) -> String? {
        given[name]?.last ?? definition(name).defaultValue
    }

    /// Every value of a repeatable flag (the default counts as one value when none was given).
    public func strings(_ name: String) -> [String] {
        given[name] ?? definition(name).defaultValue.map { [$0] } ?? []
    }

    /// Every item of a repeatable flag whose values may also be comma-separated lists
    /// (`--domain a,b --domain c`), blanks trimmed, empty items dropped.
    public func list(_ name: String) -> [String] {
        strings(name).flatMap(Self.items)
    }

    /// The items of one comma-separated value, blanks trimmed, empty items dropped.
    static func items(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    public func integer(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(UsageError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw invalid(name, text, expected: range == Int.min...Int.max ? "an integer" : "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    public func number(_ name: String, in range: ClosedRange<Double> = -.greatestFiniteMagnitude...(.greatestFiniteMagnitude)) throws(UsageError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw invalid(name, text, expected: "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A duration in seconds (`15m`, `1h`, `500ms`).
    public func duration(_ name: String, atLeast minimum: Double = 0) throws(UsageError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let seconds = DurationText.seconds(text), seconds >= minimum else {
            throw invalid(name, text, expected: minimum > 0 ? "a duration of at least \(DurationText.format(minimum)) such as 30s, 15m or 1h"
                                                              : "a duration such as 30s, 15m or 1h")
        }
        return seconds
    }

    public func boolean(_ name: String) throws(UsageError) -> Bool {
        guard let text = string(name) else { return false }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw invalid(name, text, expected: "true or false")
        }
    }

    /// An error about flag `name` for a value that could not be used.
    public func invalid(_ name: String, _ value: String, expected: String) -> UsageError {
        UsageError("\(sources[name] ?? "--\(name)"): \"\(value)\" is not \(expected)")
    }

    private func definition(_ name: String) -> FlagDefinition {
        guard let definition = definitions[name] else { preconditionFailure("flag --\(name) is not defined") }
        return definition
    }
}
