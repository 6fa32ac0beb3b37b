@testable import Exposition
import Foundation
import Testing

@Suite struct ProcessMetricsTests {
    static let stat = "4242 (vod (exporter) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 9 0 360000 1048576000 25600 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"

    @Test func statFieldsAreReadAfterTheLastParenthesis() throws {
        let stat = try ProcessStatistics.parseStat(Self.stat)
        #expect(stat == ProcessStatistics.Stat(userTicks: 250, systemTicks: 75, startTicks: 360_000, virtualMemoryBytes: 1_048_576_000, residentPages: 25_600))
    }

    @Test(arguments: ["", "4242 no parenthesis", "1 (x) S 1", "1 (x) S 1 2 3 4 5 6 7 8 9 10 abc 12"])
    func malformedStatIsAnError(text: String) {
        #expect(throws: ProcessStatistics.ParseError.self) { try ProcessStatistics.parseStat(text) }
    }

    @Test func limitsAndBootTime() throws {
        let limits = """
            Limit                     Soft Limit           Hard Limit           Units
            Max cpu time              unlimited            unlimited            seconds
            Max open files            20000                1048576              files
            """
        #expect(try ProcessStatistics.parseMaxOpenFiles(limits) == 20_000)
        #expect(try ProcessStatistics.parseMaxOpenFiles("Max open files            unlimited            unlimited            files") == UInt64.max)
        #expect(throws: ProcessStatistics.ParseError.self) { try ProcessStatistics.parseMaxOpenFiles("Max open files  lots") }
        #expect(try ProcessStatistics.parseBootTime("cpu  1 2 3\nbtime 1764000000\nprocesses 5\n") == 1_764_000_000)
        #expect(throws: ProcessStatistics.ParseError.self) { try ProcessStatistics.parseBootTime("cpu 1 2 3\n") }
    }

    /// A prepared `/proc` gives exactly the values client_golang would compute from it.
    @Test func collectorReadsAPreparedProc() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let process = root.appendingPathComponent("4242")
        try FileManager.default.createDirectory(at: process.appendingPathComponent("fd"), withIntermediateDirectories: true)
        for name in ["0", "1", "2"] {
            #expect(FileManager.default.createFile(atPath: process.appendingPathComponent("fd/\(name)").path, contents: nil))
        }
        try Self.stat.write(to: process.appendingPathComponent("stat"), atomically: true, encoding: .utf8)
        try "Max open files            1024                 4096                 files\n".write(to: process.appendingPathComponent("limits"), atomically: true, encoding: .utf8)
        try "btime 1764000000\n".write(to: root.appendingPathComponent("stat"), atomically: true, encoding: .utf8)

        let values = Dictionary(uniqueKeysWithValues: ProcessMetricsCollector(procRoot: root.path, process: "4242").collect().map {
            ($0.name, $0.series.first?.value)
        })
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK))), page = Double(sysconf(Int32(_SC_PAGESIZE)))
        #expect(values == [
            "process_cpu_seconds_total": .number(325 / ticks),
            "process_resident_memory_bytes": .number(25_600 * page),
            "process_virtual_memory_bytes": .number(1_048_576_000),
            "process_start_time_seconds": .number(1_764_000_000 + 360_000 / ticks),
            "process_open_fds": .number(3),
            "process_max_fds": .number(1024),
        ])
    }

    @Test func missingFilesDropOnlyTheirMetrics() {
        let families = ProcessMetricsCollector(procRoot: "/nonexistent", process: "self").collect()
        #expect(families.isEmpty)
    }

    @Test func thisProcessHasPlausibleValues() throws {
        let values = Dictionary(uniqueKeysWithValues: ProcessMetricsCollector().collect().map { ($0.name, $0.series[0].value) })
        #expect(values.count == 6)
        guard case .number(let openFDs)? = values["process_open_fds"], case .number(let start)? = values["process_start_time_seconds"],
              case .number(let resident)? = values["process_resident_memory_bytes"] else {
            Issue.record("missing process metrics: \(values.keys.sorted())")
            return
        }
        // Other tests open and close descriptors in parallel, so the count is only bounded from below:
        // with 64 descriptors held here, the process has at least 64 + stdin, stdout and stderr.
        let held = (0..<64).map { _ in open("/dev/null", O_RDONLY) }
        defer { held.forEach { close($0) } }
        #expect(held.allSatisfy { $0 >= 0 })
        guard case .number(let openFDsHolding)? = ProcessMetricsCollector().collect().first(where: { $0.name == "process_open_fds" })?.series[0].value else {
            Issue.record("no process_open_fds")
            return
        }
        #expect(openFDs >= 3 && openFDsHolding >= 67)
        let now = Date().timeIntervalSince1970
        #expect(start <= now + 1 && start > now - 86_400)
        #expect(resident > 1_000_000)
    }
}
