/// Plain-text tables for terminals: a header row, columns padded to their widest cell;
/// numeric-looking columns right-aligned. Pure.
enum TextTable {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        let numeric = header.indices.map { column in
            !rows.isEmpty && rows.allSatisfy { row in
                column < row.count && (row[column].first.map { $0.isNumber || $0 == "-" } ?? true)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: max(0, widths[column] - cell.count))
                return numeric[column] ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

/// Human-readable quantities: SI units, three significant digits.
enum Quantity {
    static func bytes(_ value: Double) -> String { scaled(value, units: ["B", "kB", "MB", "GB", "TB", "PB"]) }
    static func bitsPerSecond(_ value: Double) -> String { scaled(value, units: ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"]) }

    private static func scaled(_ value: Double, units: [String]) -> String {
        var scaled = value, index = 0
        while abs(scaled) >= 1000 && index < units.count - 1 {
            scaled /= 1000
            index += 1
        }
        let digits = index == 0 ? 0 : (abs(scaled) >= 100 ? 0 : abs(scaled) >= 10 ? 1 : 2)
        return formatted(scaled, digits: digits) + " " + units[index]
    }

    /// Fixed-point text without Foundation's locale-dependent formatters.
    static func formatted(_ value: Double, digits: Int) -> String {
        let factor = [1.0, 10, 100, 1000][min(digits, 3)]
        let rounded = (value * factor).rounded() / factor
        guard digits > 0 else { return String(Int64(rounded)) }
        let whole = Int64(rounded.rounded(.towardZero))
        let fraction = Int64((abs(rounded - Double(whole)) * factor).rounded())
        let fractionText = String(fraction)
        return (rounded < 0 && whole == 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: max(0, digits - fractionText.count)) + fractionText
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
