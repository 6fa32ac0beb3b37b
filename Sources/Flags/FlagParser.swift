import Primitives

/// Parses arguments and environment variables against a list of declared flags. Pure.
public enum FlagParser {
    /// - Parameters:
    ///   - arguments: the arguments after the program name (and subcommand).
    ///   - environment: the process environment; only the flags' own variables are read.
    ///   - allowsPositionals: whether bare arguments are accepted (operator commands take some).
    ///   Variables of command-line-only flags are not read; their names are in
    ///   ``FlagValues/ignoredEnvironment``, for a warning.
    /// - Throws: `UsageError` for an unknown flag (with the nearest known one), a missing value,
    ///   a value given twice to a flag that takes one, or bare arguments where none belong.
    public static func parse(_ arguments: [String], environment: [String: String], flags: [any FlagDeclaration],
                             allowsPositionals: Bool = false) throws(UsageError) -> FlagValues {
        let definitions = flags.map(\.definition)
        let byName = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in
            preconditionFailure("flag --\(first.name) is defined twice")
        })
        var given: [String: [String]] = [:]
        var sources: [String: String] = [:]
        var positionals: [String] = []
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("--") || argument == "-" {
                if argument.hasPrefix("-") && !onlyPositionals && argument != "-" {
                    throw UsageError("unknown flag \(argument) (flags are written --name or --name=value)")
                }
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            var definition = byName[name]
            if definition == nil, name.hasPrefix("no-"), let negated = byName[String(name.dropFirst(3))], negated.kind == .boolean, value == nil {
                definition = negated
                name = negated.name
                value = "false"
            }
            guard let definition else {
                throw UsageError("unknown flag --\(name)" + (nearest(name, in: byName.values.filter { $0.removal == nil }.map(\.name)).map { "; did you mean --\($0)?" } ?? ""))
            }
            if value == nil {
                if definition.kind == .boolean {
                    value = "true"
                } else {
                    guard index < arguments.count else { throw UsageError("flag --\(name) needs a value (\(definition.placeholder))") }
                    value = arguments[index]
                    index += 1
                }
            }
            if let removal = definition.removal {
                throw UsageError("--\(name) was removed: \(removal)")
            }
            if given[name] != nil && !definition.isRepeatable {
                throw UsageError("flag --\(name) is given more than once")
            }
            given[name, default: []].append(value!)
            sources[name] = "--\(name)"
        }
        if !positionals.isEmpty && !allowsPositionals {
            throw UsageError("unexpected argument \"\(positionals[0])\"")
        }
        var ignored: [String] = []
        for definition in definitions where given[definition.name] == nil {
            guard let text = environment[definition.environmentVariable], !text.isEmpty else { continue }
            if let removal = definition.removal {
                throw UsageError("$\(definition.environmentVariable) (--\(definition.name)) was removed: \(removal)")
            }
            if definition.isCommandLineOnly {
                ignored.append(definition.environmentVariable)
                continue
            }
            given[definition.name] = [text]
            sources[definition.name] = "$\(definition.environmentVariable)"
        }
        return FlagValues(given: given, sources: sources, positionals: positionals, ignoredEnvironment: ignored)
    }

    /// The known name closest to `name` by edit distance, when it is close enough to be a typo.
    static func nearest(_ name: String, in names: some Sequence<String>) -> String? {
        let scored = names.map { ($0, editDistance(name, $0)) }.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        guard let (candidate, distance) = scored, distance <= max(2, name.count / 3) else { return nil }
        return candidate
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, right) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
