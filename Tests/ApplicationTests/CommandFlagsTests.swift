@testable import Application
import Flags
import Testing

/// Every command's flags, its own with the shared ones, are declared once: a name given twice is
/// a programmer's mistake the parser would stop on at run time.
@Suite struct CommandFlagsTests {
    @Test func flagNamesAreUniquePerCommand() {
        for command in OperatorCommands.all {
            let names = OperatorCommands.flags(of: command).map(\.definition.name)
            #expect(Set(names).count == names.count, "\(command.name): \(names.sorted())")
        }
        for (name, flags) in [("the exporter", ExporterMain.agentFlags), ("simulate", SimulateCommand.flags)] {
            let names = flags.map(\.definition.name)
            #expect(Set(names).count == names.count, "\(name): \(names.sorted())")
        }
    }

    /// One environment variable, one meaning: every command that reads a variable reads it as
    /// the same flag (`VODCDN_OUTPUT=json` once named backfill's output file `json`).
    @Test func eachEnvironmentVariableHasOneMeaning() {
        var meanings: [String: (command: String, definition: FlagDefinition)] = [:]
        let commands = OperatorCommands.all.map { ($0.name, OperatorCommands.flags(of: $0)) }
            + [("the exporter", ExporterMain.agentFlags), ("simulate", SimulateCommand.flags)]
        for (command, flags) in commands {
            for definition in flags.map(\.definition) where definition.removal == nil {
                if let known = meanings[definition.environmentVariable] {
                    #expect(known.definition.name == definition.name && known.definition.kind == definition.kind
                            && known.definition.placeholder == definition.placeholder,
                            "\(definition.environmentVariable): --\(known.definition.name) \(known.definition.placeholder) in \(known.command), --\(definition.name) \(definition.placeholder) in \(command)")
                } else {
                    meanings[definition.environmentVariable] = (command, definition)
                }
            }
        }
        #expect(BackfillCommand.output.definition.environmentVariable == "VODCDN_BACKFILL_OUTPUT")
    }
}
