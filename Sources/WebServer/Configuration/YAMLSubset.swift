import Primitives

/// A strict reader of the YAML that configuration files like the web configuration use: block
/// mappings and sequences by indentation, plain, single- and double-quoted scalars, flow
/// sequences of scalars (`[a, b]`), literal blocks (`|`, `|-`) for inline PEM, and comments.
/// Anything else (anchors, aliases, tags, flow mappings, tabs in indentation, duplicate keys) is
/// an error that names its line. Pure.
public enum YAMLSubset {
    /// A parsed value, with the line it starts on (1-based) for error messages.
    public indirect enum Node: Equatable, Sendable {
        case scalar(String, line: Int)
        case sequence([Node], line: Int)
        /// Keys in file order, each with the line it is on.
        case mapping([(key: String, value: Node, keyLine: Int)], line: Int)
        /// A key with nothing after it, or an empty document.
        case null(line: Int)

        public var line: Int {
            switch self {
            case .scalar(_, let line), .sequence(_, let line), .mapping(_, let line), .null(let line): line
            }
        }

        public static func == (lhs: Node, rhs: Node) -> Bool {
            switch (lhs, rhs) {
            case let (.scalar(a, la), .scalar(b, lb)): a == b && la == lb
            case let (.sequence(a, la), .sequence(b, lb)): a == b && la == lb
            case let (.mapping(a, la), .mapping(b, lb)): la == lb && a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
            case let (.null(la), .null(lb)): la == lb
            default: false
            }
        }
    }

    /// A document that is not in the subset, with the line at fault.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// One meaningful line: its number, indentation and text without indentation or comment.
    struct Line {
        let number: Int
        let indent: Int
        let text: String
    }

    public static func parse(_ text: String) throws(ParseError) -> Node {
        var lines: [Line] = []
        let raw = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        for (index, line) in raw.enumerated() {
            let number = index + 1
            let indentation = line.prefix { $0 == " " || $0 == "\t" }
            if indentation.contains("\t") { throw ParseError(line: number, reason: "tabs cannot indent YAML; use spaces") }
            let content = stripComment(String(line.dropFirst(indentation.count)))
            if content.isEmpty || (indentation.isEmpty && content == "---") { continue }
            if indentation.isEmpty && (content == "..." || content.hasPrefix("%")) {
                throw ParseError(line: number, reason: "directives and document ends are not supported")
            }
            lines.append(Line(number: number, indent: indentation.count, text: content))
        }
        var reader = Reader(lines: lines, raw: raw)
        guard !reader.lines.isEmpty else { return .null(line: 1) }
        let node = try reader.block(indent: reader.lines[0].indent)
        // A document that is one plain scalar may run over several lines (folded with spaces).
        if case .scalar(let first, let line) = node, reader.position < reader.lines.count,
           reader.lines[reader.position...].allSatisfy({ $0.indent == reader.lines[0].indent && !$0.text.contains(": ") && !$0.text.hasSuffix(":") }) {
            return .scalar(([first] + reader.lines[reader.position...].map(\.text)).joined(separator: " "), line: line)
        }
        if reader.position < reader.lines.count {
            let line = reader.lines[reader.position]
            throw ParseError(line: line.number, reason: "unexpected indentation")
        }
        return node
    }

    /// The text before a comment: `#` at the start or after a space, outside quotes.
    static func stripComment(_ text: String) -> String {
        var quote: Character?
        var previous: Character = " "
        var end = text.endIndex
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "#" && (previous == " " || previous == "\t") {
                end = index
                break
            }
            previous = character
        }
        return String(text[..<end]).trimmingTrailingSpaces()
    }

    private struct Reader {
        let lines: [Line]
        /// The file's lines as written, for literal blocks (which keep their comments' `#`).
        let raw: [String]
        var position = 0

        /// The node whose lines are indented exactly `indent` from the current line on.
        mutating func block(indent: Int) throws(ParseError) -> Node {
            let first = lines[position]
            if first.text == "-" || first.text.hasPrefix("- ") {
                return try sequence(indent: indent)
            }
            if Self.keyAndRest(first.text) != nil {
                return try mapping(indent: indent)
            }
            position += 1
            return try scalar(first.text, line: first.number)
        }

        mutating func sequence(indent: Int) throws(ParseError) -> Node {
            let start = lines[position].number
            var items: [Node] = []
            while position < lines.count, lines[position].indent == indent, lines[position].text == "-" || lines[position].text.hasPrefix("- ") {
                let line = lines[position]
                let rest = String(line.text.dropFirst(1).drop { $0 == " " })
                if rest.isEmpty {
                    position += 1
                    items.append(try nested(under: indent, line: line.number))
                } else if Self.keyAndRest(rest) != nil {
                    throw ParseError(line: line.number, reason: "mappings inside sequences are not supported here")
                } else {
                    position += 1
                    items.append(try scalar(rest, line: line.number))
                }
            }
            return .sequence(items, line: start)
        }

        mutating func mapping(indent: Int) throws(ParseError) -> Node {
            let start = lines[position].number
            var entries: [(key: String, value: Node, keyLine: Int)] = []
            while position < lines.count, lines[position].indent == indent {
                let line = lines[position]
                guard let (key, rest) = Self.keyAndRest(line.text) else {
                    throw ParseError(line: line.number, reason: "expected \"key: value\"")
                }
                if entries.contains(where: { $0.key == key }) {
                    throw ParseError(line: line.number, reason: "\(key) is given twice")
                }
                position += 1
                let value: Node
                if rest.isEmpty {
                    value = try nested(under: indent, line: line.number)
                } else if rest == "|" || rest == "|-" {
                    value = literal(under: indent, keepFinalNewline: rest == "|", line: line.number)
                } else {
                    value = try scalar(rest, line: line.number)
                }
                entries.append((key, value, line.number))
            }
            if position < lines.count, lines[position].indent > indent {
                throw ParseError(line: lines[position].number, reason: "unexpected indentation")
            }
            return .mapping(entries, line: start)
        }

        /// The block under a key or dash: more indented lines, or a sequence at the key's own
        /// indentation (YAML lets a mapping's sequence value start at the key's column); else null.
        mutating func nested(under indent: Int, line: Int) throws(ParseError) -> Node {
            guard position < lines.count else { return .null(line: line) }
            let next = lines[position]
            if next.indent > indent { return try block(indent: next.indent) }
            if next.indent == indent && (next.text == "-" || next.text.hasPrefix("- ")) && !isInSequence(indent) {
                return try sequence(indent: indent)
            }
            return .null(line: line)
        }

        /// Whether the line before the current one is itself a sequence item at `indent`.
        func isInSequence(_ indent: Int) -> Bool {
            guard position > 0 else { return false }
            let previous = lines[position - 1]
            return previous.indent == indent && previous.text.hasPrefix("-")
        }

        /// A literal block: the raw lines more indented than the key, their common indentation
        /// removed, joined with newlines.
        mutating func literal(under indent: Int, keepFinalNewline: Bool, line: Int) -> Node {
            var body: [String] = []
            var blockIndent: Int?
            var rawIndex = line  // raw is 0-based, so this is the line after the key
            while rawIndex < raw.count {
                let text = raw[rawIndex]
                let spaces = text.prefix { $0 == " " }.count
                if text.trimmingTrailingSpaces().isEmpty {
                    body.append("")
                    rawIndex += 1
                    continue
                }
                guard spaces > indent, spaces >= (blockIndent ?? spaces) else { break }
                blockIndent = blockIndent ?? spaces
                body.append(String(text.dropFirst(blockIndent!)))
                rawIndex += 1
            }
            while body.last == "" { body.removeLast() }
            // Skip the meaningful lines the block consumed.
            while position < lines.count, lines[position].number <= rawIndex { position += 1 }
            return .scalar(body.joined(separator: "\n") + (keepFinalNewline && !body.isEmpty ? "\n" : ""), line: line)
        }

        /// A scalar or a flow sequence of scalars.
        func scalar(_ text: String, line: Int) throws(ParseError) -> Node {
            if let first = text.first, "&*!{>%@`".contains(first) {
                throw ParseError(line: line, reason: "anchors, aliases, tags, flow mappings and folded blocks are not supported")
            }
            if text.hasPrefix("[") {
                guard text.hasSuffix("]") else { throw ParseError(line: line, reason: "unterminated [ … ]") }
                let inner = text.dropFirst().dropLast().trimmingWhitespace()
                if inner.isEmpty { return .sequence([], line: line) }
                var items: [Node] = []
                for item in Self.splitFlow(inner) {
                    let trimmed = item.trimmingWhitespace()
                    if trimmed.isEmpty || trimmed.hasPrefix("[") { throw ParseError(line: line, reason: "a [ … ] list holds scalars separated by commas") }
                    items.append(try scalar(trimmed, line: line))
                }
                return .sequence(items, line: line)
            }
            if text.hasPrefix("\"") {
                guard text.count >= 2, text.hasSuffix("\""), !text.dropFirst().dropLast().hasSuffix("\\") || text.dropFirst().dropLast().hasSuffix("\\\\") else {
                    throw ParseError(line: line, reason: "unterminated double-quoted string")
                }
                return .scalar(try Self.unescape(String(text.dropFirst().dropLast()), line: line), line: line)
            }
            if text.hasPrefix("'") {
                guard text.count >= 2, text.hasSuffix("'") else { throw ParseError(line: line, reason: "unterminated single-quoted string") }
                return .scalar(String(text.dropFirst().dropLast()).replacingDoubledQuotes(), line: line)
            }
            if text == "~" || text == "null" { return .null(line: line) }
            return .scalar(text, line: line)
        }

        /// `key: rest` for a mapping line (the key plain or quoted), else nil.
        static func keyAndRest(_ text: String) -> (String, String)? {
            var key: String
            var rest: Substring
            if let quote = text.first, quote == "\"" || quote == "'" {
                guard let close = text.dropFirst().firstIndex(of: quote) else { return nil }
                key = String(text[text.index(after: text.startIndex)..<close])
                rest = text[text.index(after: close)...]
                guard rest.hasPrefix(":") else { return nil }
            } else {
                guard let colon = text.firstRange(of: ": ")?.lowerBound ?? (text.hasSuffix(":") ? text.index(before: text.endIndex) : nil) else {
                    return nil
                }
                key = String(text[..<colon])
                rest = text[colon...]
                if key.hasPrefix("- ") || key.hasPrefix("[") || key.hasPrefix("{") { return nil }
            }
            key = key.trimmingWhitespace()
            guard !key.isEmpty else { return nil }
            return (key, String(rest.dropFirst()).trimmingWhitespace())
        }

        /// Splits a flow list's inside at commas outside quotes.
        static func splitFlow(_ text: String) -> [String] {
            var items: [String] = []
            var current = ""
            var quote: Character?
            for character in text {
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "'" || character == "\"" {
                    quote = character
                } else if character == "," {
                    items.append(current)
                    current = ""
                    continue
                }
                current.append(character)
            }
            items.append(current)
            return items
        }

        static func unescape(_ text: String, line: Int) throws(ParseError) -> String {
            var output = ""
            var escaping = false
            for character in text {
                if escaping {
                    switch character {
                    case "n": output.append("\n")
                    case "t": output.append("\t")
                    case "\"": output.append("\"")
                    case "\\": output.append("\\")
                    case "/": output.append("/")
                    default: throw ParseError(line: line, reason: "unsupported escape \\\(character)")
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    output.append(character)
                }
            }
            return output
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }

    /// `''` inside a single-quoted YAML string is one quote.
    fileprivate func replacingDoubledQuotes() -> String {
        var output = ""
        var previousWasQuote = false
        for character in self {
            if character == "'" && previousWasQuote {
                previousWasQuote = false
                continue
            }
            previousWasQuote = character == "'"
            output.append(character)
        }
        return output
    }
}
