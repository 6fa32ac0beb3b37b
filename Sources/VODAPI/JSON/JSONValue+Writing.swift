import Primitives

/// Writing JSON: the simulator's replies and the CLI's `--output json` go through the same value
/// type the client decodes with.
extension JSONValue {
    /// JSON text with object keys sorted (deterministic output), `/` left unescaped, integral
    /// numbers without a fraction and non-finite numbers as `null` (JSON has no NaN).
    /// - Parameter indent: spaces per level for a multi-line layout; `nil` for one compact line.
    public func serialized(indent: Int? = nil) -> String {
        var output = ""
        write(to: &output, indent: indent, depth: 0)
        return output
    }

    private func write(to output: inout String, indent: Int?, depth: Int) {
        func newline(_ level: Int) {
            guard let indent else { return }
            output += "\n" + String(repeating: " ", count: indent * level)
        }
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value): output += Self.numberText(value)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            guard !values.isEmpty else { output += "[]"; return }
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                newline(depth + 1)
                value.write(to: &output, indent: indent, depth: depth + 1)
            }
            newline(depth)
            output += "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                newline(depth + 1)
                Self.writeString(key, to: &output)
                output += indent == nil ? ":" : ": "
                members[key]!.write(to: &output, indent: indent, depth: depth + 1)
            }
            newline(depth)
            output += "}"
        }
    }

    /// A number as the JSON output writes it: integers without a fraction, others in the shortest
    /// text that reads back as the same value; `null` when not finite.
    public static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 9e18 { return String(Int64(value)) }  // within Int64
        return value.description  // the shortest text that reads back as the same Double
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += JSONStringLiteral.quoted(text)
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// A number from any integer (counts, sizes, epoch seconds).
    public init<Integer: BinaryInteger>(_ value: Integer) { self = .number(Double(value)) }
    /// A number.
    public init(_ value: Double) { self = .number(value) }
    /// A string.
    public init(_ value: String) { self = .string(value) }
    /// An array of strings.
    public init(_ values: [String]) { self = .array(values.map(JSONValue.string)) }
}

extension JSONValue {
    /// A string, or `null` for `nil`.
    public init(_ value: String?) { self = value.map(JSONValue.string) ?? .null }
    /// A number, or `null` for `nil`.
    public init(_ value: Double?) { self = value.map(JSONValue.number) ?? .null }
    /// A number, or `null` for `nil`.
    public init<Integer: BinaryInteger>(_ value: Integer?) { self = value.map { .number(Double($0)) } ?? .null }
}
