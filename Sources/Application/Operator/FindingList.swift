/// `check`'s findings as text for an 80-column terminal: the check's name, its verdict and the
/// detail, with the fix on its own `→` line; long texts wrap at word boundaries under their
/// column. Pure.
enum FindingList {
    /// Columns: the name up to `nameWidth` (a longer name takes a line of its own), the verdict,
    /// then the text.
    static let width = 80
    static let nameWidth = 28
    static let verdictWidth = 5

    static func render(_ findings: [(name: String, verdict: String, detail: String, fix: String)]) -> String {
        let textColumn = nameWidth + 1 + verdictWidth + 2
        var lines: [String] = []
        for finding in findings {
            var first: String
            if finding.name.count <= nameWidth {
                first = pad(finding.name, nameWidth) + " "
            } else {
                lines.append(finding.name)
                first = String(repeating: " ", count: nameWidth + 1)
            }
            first += pad(finding.verdict, verdictWidth) + "  "
            let detail = wrap(finding.detail, width: width - textColumn)
            lines.append((first + (detail.first ?? "")).trimmingTrailingSpaces())
            lines += detail.dropFirst().map { String(repeating: " ", count: textColumn) + $0 }
            if !finding.fix.isEmpty {
                let fix = wrap("→ " + finding.fix, width: width - nameWidth - 3)
                lines += fix.enumerated().map { String(repeating: " ", count: nameWidth + 1 + ($0.offset == 0 ? 0 : 2)) + $0.element }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` in lines of at most `width` characters, broken at spaces; a word longer than the
    /// width (a URL) stands alone on its line.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
