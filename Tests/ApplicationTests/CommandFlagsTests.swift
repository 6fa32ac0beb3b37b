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
}
