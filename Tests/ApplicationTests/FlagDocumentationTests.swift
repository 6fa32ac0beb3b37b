import Application
import Flags
import Foundation
import Testing

/// The README's flag tables and `--help` come from different places; this keeps them agreeing:
/// every flag of the exporter is in a table, with the default `--help` prints.
@Suite struct FlagDocumentationTests {
    /// One README table row: the flags of its first cell and the backticked defaults of its second.
    struct Row {
        let flags: [String]
        let defaults: [String]
    }

    static func rows() throws -> [Row] {
        let readme = try String(contentsOf: PrometheusEndToEndTests.repository.appendingPathComponent("README.md"), encoding: .utf8)
        return readme.split(separator: "\n").compactMap { line -> Row? in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[1].hasPrefix("`--") else { return nil }
            return Row(flags: Self.backticked(cells[1]).map { String($0.dropFirst(2).split(separator: " ")[0]) },
                       defaults: Self.backticked(cells[2]))
        }
    }

    static func backticked(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    @Test func everyFlagIsDocumentedWithItsDefault() throws {
        let rows = try Self.rows()
        let all = (AgentOptions.flags + WebOptions.flags + LogOptions.flags).map(\.definition)
        // Removed flags are no longer documented as flags.
        for removed in all where removed.removal != nil {
            #expect(!rows.contains { $0.flags.contains(removed.name) }, "the README still lists --\(removed.name)")
        }
        for definition in all where definition.removal == nil {
            let name = definition.name.hasPrefix("collector.") && definition.name != "collector.realtime.interval" ? "collector.NAME" : definition.name
            let row = rows.first { $0.flags.contains(name) }
            #expect(row != nil, "--\(definition.name) is not in the README's flag tables")
            // Rows that pair each flag with one default must show the one --help shows.
            guard let row, row.flags.count == row.defaults.count, let index = row.flags.firstIndex(of: name) else { continue }
            #expect(row.defaults[index] == definition.defaultValue, "README shows \(row.defaults[index]) for --\(definition.name)")
        }
        #expect(rows.count > 20)
    }
}
