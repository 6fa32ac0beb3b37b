import Flags
import Logging

/// `--log.level` and `--log.format`, as in Prometheus.
public enum LogOptions {
    static let level = Flag.choice("log.level", default: "info", placeholder: "LEVEL", expected: "one of debug, info, warn, error",
        help: "Only log messages with this or a higher severity: debug, info, warn, error.", parse: { LogLevel(name: $0) })
    static let format = Flag.choice("log.format", default: "logfmt", placeholder: "FORMAT", expected: "logfmt or json",
        help: "Log line format: logfmt or json.", parse: { LogFormat(rawValue: $0) })

    /// The logging flags, in `--help` order.
    public static let flags: [any FlagDeclaration] = [level, format]

    /// A logger writing to standard error as the flags say.
    public static func logger(_ flags: FlagValues, clock: @escaping @Sendable () -> Double) throws(UsageError) -> Logger {
        Logger(level: try flags.value(Self.level), sink: StandardErrorLogSink(format: try flags.value(Self.format)), clock: clock)
    }
}
