import FoundationEssentials
import Primitives

/// The URLs given to `refresh` and `preload`: checked, de-duplicated and batched before any
/// call is made. Pure.
enum ObjectPathList {
    /// The most paths one request may carry (the API's `SingleRequest.OverLimit`).
    static let batchSize = 1000

    /// Why the list cannot be sent.
    struct Problem: Error, Equatable, CustomStringConvertible {
        let lines: [String]
        var description: String { "not an http(s) URL with a host:\n  " + lines.prefix(10).joined(separator: "\n  ") + (lines.count > 10 ? "\n  … and \(lines.count - 10) more" : "") }
    }

    /// The URLs in order of first appearance; blank lines and `#` comments are ignored.
    static func parse(_ entries: [String]) throws(Problem) -> [String] {
        var seen = Set<String>(), urls: [String] = [], bad: [String] = []
        for raw in entries {
            let entry = raw.trimmingWhitespace()
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            // A space or a control character (a line break inside an argument) is never part of
            // a URL the API takes.
            let hasControl = entry.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
            guard !hasControl, let components = URLComponents(string: entry), let scheme = components.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
                bad.append(entry.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())
                continue
            }
            if seen.insert(entry).inserted { urls.append(entry) }
        }
        if !bad.isEmpty { throw Problem(lines: bad) }
        return urls
    }

    /// The URLs in requests of at most `batchSize`.
    static func batches(_ urls: [String]) -> [[String]] {
        stride(from: 0, to: urls.count, by: batchSize).map { Array(urls[$0..<min(urls.count, $0 + batchSize)]) }
    }
}
