/// Durations written as Prometheus writes them: `1h`, `15m`, `30s`, `250ms`, `1h30m`, `2d`, `1w`.
public enum DurationText {
    private static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800), ("y", 31_536_000),
    ]

    /// Seconds for `text`, or nil when it is not a duration. A bare `0` is allowed.
    public static func seconds(_ text: String) -> Double? {
        if text == "0" { return 0 }
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            // Longest suffix first, so "ms" is not read as "m".
            guard let unit = units.sorted(by: { $0.suffix.count > $1.suffix.count }).first(where: { rest.hasPrefix($0.suffix) }) else {
                return nil
            }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * unit.seconds
        }
        return total
    }

    /// The shortest text for `seconds` in the same notation (`3600` → `1h`, `90` → `1m30s`).
    public static func format(_ seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        var milliseconds = Int64((seconds * 1000).rounded())
        var text = ""
        for (suffix, unitSeconds) in [("d", 86_400.0), ("h", 3600), ("m", 60), ("s", 1), ("ms", 0.001)] {
            let unit = Int64(unitSeconds * 1000)
            if milliseconds >= unit {
                text += "\(milliseconds / unit)\(suffix)"
                milliseconds %= unit
            }
        }
        return text
    }
}
