#if canImport(Glibc)
import Glibc
#endif

/// Reads the standard `process_*` metrics of this process from `/proc`, as client_golang does,
/// on every scrape. A file that cannot be read or parsed drops only the metrics that need it.
public struct ProcessMetricsCollector: Sendable {
    /// Where `/proc` is; tests point it at a prepared directory.
    public let procRoot: String
    /// The process directory below `procRoot` (`self`).
    public let process: String
    private let clockTicksPerSecond: Double
    private let pageSize: Double

    public init(procRoot: String = "/proc", process: String = "self") {
        self.procRoot = procRoot
        self.process = process
        clockTicksPerSecond = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
        pageSize = Double(max(1, sysconf(Int32(_SC_PAGESIZE))))
    }

    /// The process families that could be read now.
    public func collect() -> [MetricFamily] {
        var families: [MetricFamily] = []
        let directory = "\(procRoot)/\(process)"
        if let text = Self.readFile("\(directory)/stat"), let stat = try? ProcessStatistics.parseStat(text) {
            families.append(.single(
                name: "process_cpu_seconds_total", type: .counter, unit: "seconds",
                help: "Total user and system CPU time spent in seconds.",
                value: Double(stat.userTicks + stat.systemTicks) / clockTicksPerSecond))
            families.append(.single(
                name: "process_resident_memory_bytes", type: .gauge, unit: "bytes",
                help: "Resident memory size in bytes.", value: Double(stat.residentPages) * pageSize))
            families.append(.single(
                name: "process_virtual_memory_bytes", type: .gauge, unit: "bytes",
                help: "Virtual memory size in bytes.", value: Double(stat.virtualMemoryBytes)))
            if let text = Self.readFile("\(procRoot)/stat"), let boot = try? ProcessStatistics.parseBootTime(text) {
                families.append(.single(
                    name: "process_start_time_seconds", type: .gauge, unit: "seconds",
                    help: "Start time of the process since unix epoch in seconds.",
                    value: Double(boot) + Double(stat.startTicks) / clockTicksPerSecond))
            }
        }
        if let count = Self.countEntries("\(directory)/fd") {
            families.append(.single(
                name: "process_open_fds", type: .gauge, help: "Number of open file descriptors.", value: Double(count)))
        }
        if let text = Self.readFile("\(directory)/limits"), let limit = try? ProcessStatistics.parseMaxOpenFiles(text) {
            families.append(.single(
                name: "process_max_fds", type: .gauge, help: "Maximum number of open file descriptors.", value: Double(limit)))
        }
        return families
    }

    /// Reads a small text file with plain system calls (procfs files report size 0, so they
    /// are read until end of file).
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
            if bytes.count > 1 << 20 { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The number of entries of a directory, without `.` and `..`. Counted on the open
    /// directory stream, so the stream's own descriptor is among them, as in client_golang.
    static func countEntries(_ path: String) -> Int? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDotEntry = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDotEntry { count += 1 }
        }
        return count
    }
}
