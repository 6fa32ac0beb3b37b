import Foundation
import Testing

/// Golden files under `Golden/`: the expected bytes of a rendering, reviewed by eye and
/// committed. `UPDATE_GOLDEN=1 swift test` rewrites them from the current output for review.
enum Golden {
    static func check(_ actual: [UInt8], file name: String, sourceFile: String = #filePath) throws {
        let sourceURL = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try Data(actual).write(to: sourceURL)
            return
        }
        let url = try #require(Bundle.module.url(forResource: "Golden/\(name)", withExtension: nil), "missing golden file \(name)")
        let expected = [UInt8](try Data(contentsOf: url))
        if actual == expected { return }
        let actualLines = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actualLines.count, expectedLines.count)
        Issue.record("""
            \(name) differs at line \(line + 1):
              expected: \(line < expectedLines.count ? String(expectedLines[line]) : "<end>")
              actual:   \(line < actualLines.count ? String(actualLines[line]) : "<end>")
            """)
    }
}
