/// The legacy-charset naming rules of the Prometheus exposition formats.
///
/// Names are ASCII only: `[a-zA-Z_:][a-zA-Z0-9_:]*` for metrics and `[a-zA-Z_][a-zA-Z0-9_]*`
/// for labels. This project also refuses colons in metric names (they belong to recording
/// rules) and label names starting with `__` (reserved for Prometheus).
public enum MetricNaming {
    /// Whether `name` is a metric name this project may expose.
    public static func isValidMetricName(_ name: String) -> Bool {
        isIdentifier(name)
    }

    /// Whether `name` is a label name this project may expose.
    public static func isValidLabelName(_ name: String) -> Bool {
        isIdentifier(name) && !name.hasPrefix("__")
    }

    /// Whether `unit` is a valid OpenMetrics unit word (lower-case letters, digits, `_`).
    public static func isValidUnit(_ unit: String) -> Bool {
        !unit.isEmpty && unit.utf8.allSatisfy { isLowercaseLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    private static func isIdentifier(_ name: String) -> Bool {
        var bytes = name.utf8.makeIterator()
        guard let first = bytes.next(), isLetter(first) || first == UInt8(ascii: "_") else { return false }
        while let byte = bytes.next() {
            guard isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") else { return false }
        }
        return true
    }

    private static func isLowercaseLetter(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        isLowercaseLetter(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
