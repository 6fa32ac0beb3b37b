import Application
import Foundation

/// Entry point: everything happens in `ExporterMain`, which tests also call.
let status = await ExporterMain.run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
exit(status)
