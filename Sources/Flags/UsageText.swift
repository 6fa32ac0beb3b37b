/// The flag list of `--help`: each flag with its placeholder, help, default and variable.
public enum UsageText {
    public static func flags(_ flags: [any FlagDeclaration]) -> String {
        flags.map(\.definition).filter { $0.removal == nil }.map { definition in
            var line = "  --\(definition.name)"
            if definition.kind != .boolean { line += " \(definition.placeholder)" }
            var details = definition.help
            if let value = definition.defaultValue, !value.isEmpty { details += " (default: \(value))" }
            if definition.isRepeatable { details += " Repeatable." }
            let source = definition.isCommandLineOnly ? "command line only (\(definition.environmentVariable) is ignored)" : "env: \(definition.environmentVariable)"
            return line + "\n      " + details + "\n      " + source
        }.joined(separator: "\n") + "\n"
    }
}
