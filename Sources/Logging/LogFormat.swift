import Primitives

/// How a record becomes one line: logfmt (the Prometheus default) or JSON.
public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json

    /// The line for `record`, ending in `\n`. Keys are `ts`, `level`, `msg`, then the metadata
    /// sorted by key.
    public func line(for record: LogRecord) -> String {
        let timestamp = Self.timestamp(record.time)
        let pairs = [("ts", timestamp), ("level", record.level.name), ("msg", record.message)]
            + record.metadata.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        switch self {
        case .logfmt:
            return pairs.map { "\($0.0)=\(Self.logfmtValue($0.1))" }.joined(separator: " ") + "\n"
        case .json:
            return "{" + pairs.map { "\(Self.jsonString($0.0)):\(Self.jsonString($0.1))" }.joined(separator: ",") + "}\n"
        }
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ time: Double) -> String {
        let milliseconds = Int64((time * 1000).rounded(.down))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = milliseconds - seconds * 1000
        let base = String(UTCTimestamp.format(seconds).dropLast())  // drop "Z"
        let padded = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(base).\(padded)Z"
    }

    /// A logfmt value: bare when it has no blank, quote, `=` or control character; quoted otherwise.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.value < 0x20 || $0 == "\\" }
        return needsQuotes ? jsonString(value) : value
    }

    /// A JSON string literal (also the quoted logfmt form).
    static func jsonString(_ value: String) -> String {
        JSONStringLiteral.quoted(value)
    }
}
