import Primitives

/// Anything that declares a flag, for the lists a command parses and prints in `--help`.
public protocol FlagDeclaration: Sendable {
    var definition: FlagDefinition { get }
}

/// A flag that was removed: declared so that giving it explains what replaced it, instead of
/// "unknown flag".
public struct RemovedFlag: FlagDeclaration {
    public let definition: FlagDefinition

    public init(_ name: String, instead: String) {
        definition = FlagDefinition(name, removal: instead, help: "")
    }
}

/// A flag declared once, with its type, default, checks, help and environment variable; read with
/// ``FlagValues/value(_:)`` as a value of its type. Only a declared flag can be read, and reading
/// cannot fail except on a value the user gave (a `UsageError` naming where it came from).
///
///     static let lookback = Flag.duration("data.lookback", default: 3600, atLeast: 300, atMost: 172_800, help: "…")
///     let seconds: Double = try flags.value(Self.lookback)
public struct Flag<Value: Sendable>: FlagDeclaration {
    public let definition: FlagDefinition
    /// What a valid value looks like, for the error message (`an integer from 1 to 64`).
    let expected: String
    /// The value of the given texts (command line, else environment, in order; empty when the flag
    /// was not given, which gives the default), or nil when they are not valid.
    let convert: @Sendable (_ texts: [String]) -> Value?

    /// A flag of any type: `convert` turns the texts into the value or rejects them.
    public init(definition: FlagDefinition, expected: String, convert: @escaping @Sendable (_ texts: [String]) -> Value?) {
        self.definition = definition
        self.expected = expected
        self.convert = convert
    }
}

extension Flag where Value == String {
    /// A text with a default.
    public static func string(_ name: String, default value: String, placeholder: String? = nil, help: String) -> Flag {
        Flag(definition: FlagDefinition(name, default: value, placeholder: placeholder, help: help), expected: "a text") { $0.last ?? value }
    }
}

extension Flag where Value == String? {
    /// A text without a default: nil when not given.
    /// - Parameter environment: the environment variable, when not the one derived from the name.
    public static func optionalString(_ name: String, placeholder: String? = nil, environment: String? = nil, help: String) -> Flag {
        Flag(definition: FlagDefinition(name, placeholder: placeholder, environment: environment, help: help), expected: "a text") { .some($0.last) }
    }
}

extension Flag where Value == [String] {
    /// A repeatable flag, read as every item of every value: values may themselves be
    /// comma-separated lists (`--domain a,b --domain c`, or `a,b` in the environment); blanks are
    /// trimmed and empty items dropped. `defaults` are the items when the flag is not given.
    public static func list(_ name: String, default defaults: [String] = [], placeholder: String? = nil, help: String) -> Flag {
        let defaultText = defaults.isEmpty ? nil : defaults.joined(separator: ",")
        return Flag(definition: FlagDefinition(name, default: defaultText, repeatable: true, placeholder: placeholder, help: help),
                    expected: "a list") { texts in
            texts.isEmpty ? defaults : texts.flatMap(FlagValues.items)
        }
    }
}

extension Flag where Value == Bool {
    /// `--name`, `--no-name`, `--name=true|false` (also 1/0, yes/no).
    public static func boolean(_ name: String, default value: Bool, commandLineOnly: Bool = false, help: String) -> Flag {
        Flag(definition: FlagDefinition(name, .boolean, default: String(value), commandLineOnly: commandLineOnly, help: help),
             expected: "true or false") { texts in
            switch (texts.last ?? String(value)).lowercased() {
            case "true", "1", "yes": true
            case "false", "0", "no": false
            default: nil
            }
        }
    }
}

extension Flag where Value == Int {
    /// An integer within `range`, with a default.
    public static func integer(_ name: String, default value: Int, in range: ClosedRange<Int>, placeholder: String? = nil, help: String) -> Flag {
        precondition(range.contains(value), "the default of --\(name) is outside its range")
        return Flag(definition: FlagDefinition(name, .integer, default: String(value), placeholder: placeholder, help: help),
                    expected: "an integer from \(range.lowerBound) to \(range.upperBound)") { texts in
            guard let text = texts.last else { return value }
            return Int(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }
}

extension Flag where Value == Int? {
    /// An integer within `range`, nil when not given.
    public static func optionalInteger(_ name: String, in range: ClosedRange<Int>, placeholder: String? = nil, help: String) -> Flag {
        Flag(definition: FlagDefinition(name, .integer, placeholder: placeholder, help: help),
             expected: "an integer from \(range.lowerBound) to \(range.upperBound)") { texts in
            guard let text = texts.last else { return .some(nil) }
            return Int(text).flatMap { range.contains($0) ? .some($0) : nil }
        }
    }
}

extension Flag where Value == Double {
    /// A finite number within `range`, with a default.
    public static func number(_ name: String, default value: Double, in range: ClosedRange<Double>, help: String) -> Flag {
        precondition(range.contains(value), "the default of --\(name) is outside its range")
        return Flag(definition: FlagDefinition(name, .number, default: Self.plain(value), help: help),
                    expected: "a number from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound))") { texts in
            guard let text = texts.last else { return value }
            return Double(text).flatMap { $0.isFinite && range.contains($0) ? $0 : nil }
        }
    }

    /// A duration in seconds written as Prometheus writes them (`30s`, `15m`, `1h`, `500ms`),
    /// with a default and bounds.
    public static func duration(_ name: String, default seconds: Double, atLeast minimum: Double = 0, atMost maximum: Double? = nil,
                                help: String) -> Flag {
        precondition(seconds >= minimum && seconds <= (maximum ?? .infinity), "the default of --\(name) is outside its range")
        return Flag(definition: FlagDefinition(name, .duration, default: DurationText.format(seconds), help: help),
                    expected: durationExpectation(atLeast: minimum, atMost: maximum)) { texts in
            guard let text = texts.last else { return seconds }
            return DurationText.seconds(text).flatMap { $0 >= minimum && $0 <= (maximum ?? .infinity) ? $0 : nil }
        }
    }

    /// What a valid duration looks like, for an error message, with examples inside the range.
    private static func durationExpectation(atLeast minimum: Double, atMost maximum: Double?) -> String {
        let upper = maximum ?? .infinity
        var examples = [30, 300, 900, 3600, 21_600, 86_400].map(Double.init).filter { $0 >= minimum && $0 <= upper }
        if examples.isEmpty { examples = [minimum] }
        let words = examples.prefix(3).map(DurationText.format)
        let suggestion = words.count == 1 ? words[0] : words.dropLast().joined(separator: ", ") + " or " + words.last!
        switch (minimum > 0, maximum) {
        case (false, nil): return "a duration such as \(suggestion)"
        case (true, nil): return "a duration of at least \(DurationText.format(minimum)) such as \(suggestion)"
        case (false, let maximum?): return "a duration of at most \(DurationText.format(maximum)) such as \(suggestion)"
        case (true, let maximum?): return "a duration of at least \(DurationText.format(minimum)) and at most \(DurationText.format(maximum)) such as \(suggestion)"
        }
    }

    /// `10` rather than `10.0` for whole numbers, in help and messages.
    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension Flag {
    /// A word from a fixed set, nil when not given: `parse` maps the text to its value (as a
    /// `RawRepresentable` initialiser does) and `expected` lists the words for the error.
    public static func optionalChoice<Choice: Sendable>(_ name: String, placeholder: String? = nil, expected: String,
                                                        help: String, parse: @escaping @Sendable (String) -> Choice?) -> Flag
        where Value == Choice? {
        Flag(definition: FlagDefinition(name, placeholder: placeholder, help: help), expected: expected) { texts in
            guard let text = texts.last else { return .some(nil) }
            return parse(text).map { .some($0) }
        }
    }

    /// A word from a fixed set, with a default given as its text.
    /// - Parameter environment: the variable that sets it, when not the one named after the flag.
    public static func choice(_ name: String, default text: String, placeholder: String? = nil, environment: String? = nil, expected: String, help: String,
                              parse: @escaping @Sendable (String) -> Value?) -> Flag {
        guard let fallback = parse(text) else { preconditionFailure("the default of --\(name) is not one of its choices") }
        return Flag(definition: FlagDefinition(name, default: text, placeholder: placeholder, environment: environment, help: help), expected: expected) { texts in
            guard let text = texts.last else { return fallback }
            return parse(text)
        }
    }
}
