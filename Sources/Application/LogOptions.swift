import Flags
import Logging

/// `--log.level` and `--log.format`, as in Prometheus.
public enum LogOptions {
    public static let definitions: [FlagDefinition] = [
        FlagDefinition("log.level", default: "info", placeholder: "LEVEL", help: "Only log messages with this or a higher severity: debug, info, warn, error."),
        FlagDefinition("log.format", default: "logfmt", placeholder: "FORMAT", help: "Log line format: logfmt or json."),
    ]

    /// A logger writing to standard error as the flags say.
    public static func logger(_ flags: FlagValues, clock: @escaping @Sendable () -> Double) throws(UsageError) -> Logger {
        let levelText = flags.string("log.level") ?? "info"
        guard let level = LogLevel(name: levelText) else {
            throw flags.invalid("log.level", levelText, expected: "one of debug, info, warn, error")
        }
        let formatText = flags.string("log.format") ?? "logfmt"
        guard let format = LogFormat(rawValue: formatText) else {
            throw flags.invalid("log.format", formatText, expected: "logfmt or json")
        }
        return Logger(level: level, sink: StandardErrorLogSink(format: format), clock: clock)
    }
}
