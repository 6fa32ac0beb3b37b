import Primitives

/// The `--domains.file` format: one domain per line, `#` starts a comment, blank lines ignored.
public enum DomainsFile {
    /// A line that is not a domain name.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let problem: String
        public var description: String { "line \(line): \(problem)" }
    }

    /// The domains in `text`, in order, without duplicates.
    public static func parse(_ text: String) throws(ParseError) -> [String] {
        var domains: [String] = []
        var seen = Set<String>()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            if line.hasSuffix("\r") { line = line.dropLast() }
            let name = line.trimmingWhitespace()
            if name.isEmpty { continue }
            guard DomainName.isValid(name) else {
                throw ParseError(line: index + 1, problem: "\"\(name.prefix(80))\" is not a domain name")
            }
            if seen.insert(name.lowercased()).inserted { domains.append(name.lowercased()) }
        }
        return domains
    }
}

/// Domain-name syntax, as far as the exporter needs to check it.
public enum DomainName {
    /// Letters, digits, `-`, `_` and dots (a leading `*.` for wildcard domains), 1–253 bytes,
    /// labels of 1–63 bytes.
    public static func isValid(_ name: String) -> Bool {
        var body = Substring(name)
        if body.hasPrefix("*.") { body = body.dropFirst(2) }
        guard !body.isEmpty, name.utf8.count <= 253 else { return false }
        return body.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63
                && label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }
        }
    }
}
