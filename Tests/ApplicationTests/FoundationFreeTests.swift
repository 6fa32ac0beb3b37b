import Foundation
import Testing
import TestSupport

/// Product code uses FoundationEssentials at most: full Foundation brings its
/// internationalisation layer and ICU's data into the binary (78 MB against about 25).
@Suite struct FoundationFreeTests {
    /// Every `import` of a module named Foundation (or a declaration from it) in Sources/, except
    /// the benchmark helper, which is not shipped.
    @Test func productCodeImportsNoFullFoundation() throws {
        let sources = PrometheusEndToEndTests.repository.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("vodcdn-bench/") }
        #expect(files.count > 100)
        let pattern = try Regex(#"^\s*(@\w+\s+)*import\s+(\w+\s+)?(Foundation|FoundationNetworking|FoundationXML|FoundationInternationalization)(\.|\s|$)"#)
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.firstMatch(of: pattern) != nil {
                offenders.append("Sources/\(file):\(number + 1): \(line)")
            }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
        // The pattern does find an import.
        #expect("import Foundation".firstMatch(of: pattern) != nil && "@preconcurrency import struct Foundation.Data".firstMatch(of: pattern) != nil)
        #expect("import FoundationEssentials".firstMatch(of: pattern) == nil)
    }

    /// The linked binary needs neither Foundation nor its internationalisation library.
    @Test func theBinaryLinksNoFullFoundation() throws {
        let outcome = try ExternalTool.outcome("readelf", ["-d", BinaryTests.binary.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let needed = outcome.standardOutput.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(needed.contains { $0.contains("libc.so") }, "readelf lists the needed libraries")
        #expect(!needed.contains { $0.contains("[libFoundation.so]") || $0.contains("libFoundationInternationalization") || $0.contains("icu") },
                "\(needed.joined(separator: "\n"))")
    }
}
