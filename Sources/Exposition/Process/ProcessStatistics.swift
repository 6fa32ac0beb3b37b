import Primitives

/// Values parsed from the Linux `/proc` files that describe a process. Pure: the parsers take
/// file contents, so they are tested without a `/proc`.
public enum ProcessStatistics {
    /// A `/proc` file whose contents did not have the expected shape.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let file: String
        public let problem: String
        public var description: String { "\(file): \(problem)" }
    }

    /// The fields of `/proc/<pid>/stat` the process metrics need.
    public struct Stat: Equatable, Sendable {
        /// User and system CPU time, in clock ticks.
        public let userTicks: UInt64
        public let systemTicks: UInt64
        /// Start time after boot, in clock ticks.
        public let startTicks: UInt64
        /// Virtual memory size in bytes.
        public let virtualMemoryBytes: UInt64
        /// Resident set size in pages.
        public let residentPages: UInt64
    }

    /// Parses `/proc/<pid>/stat`. The command name (field 2) may contain spaces and parentheses,
    /// so the numeric fields are read after its *last* `)`.
    public static func parseStat(_ text: String) throws(ParseError) -> Stat {
        guard let close = text.lastIndex(of: ")") else { throw ParseError(file: "stat", problem: "no ')' after the command name") }
        // Fields from 3 (state) on; field N is at index N - 3.
        let fields = text[text.index(after: close)...].split(whereSeparator: { $0 == " " || $0 == "\n" })
        func field(_ number: Int) throws(ParseError) -> UInt64 {
            let index = number - 3
            guard index < fields.count, let value = UInt64(fields[index]) else {
                throw ParseError(file: "stat", problem: "field \(number) is missing or not a number")
            }
            return value
        }
        return Stat(
            userTicks: try field(14), systemTicks: try field(15), startTicks: try field(22),
            virtualMemoryBytes: try field(23), residentPages: try field(24)
        )
    }

    /// The soft limit on open files from `/proc/<pid>/limits`; `unlimited` is 2^64 − 1, as
    /// client_golang reports it.
    public static func parseMaxOpenFiles(_ text: String) throws(ParseError) -> UInt64 {
        for line in text.split(separator: "\n") where line.hasPrefix("Max open files") {
            let columns = line.dropFirst("Max open files".count).split(separator: " ")
            guard let soft = columns.first else { break }
            if soft == "unlimited" { return UInt64.max }
            if let value = UInt64(soft) { return value }
            break
        }
        throw ParseError(file: "limits", problem: "no readable \"Max open files\" line")
    }

    /// The boot time in seconds since the epoch, from the `btime` line of `/proc/stat`.
    public static func parseBootTime(_ text: String) throws(ParseError) -> UInt64 {
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            if let value = UInt64(line.dropFirst(6).trimmingWhitespace()) { return value }
        }
        throw ParseError(file: "stat", problem: "no readable btime line")
    }
}
