import Application
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Entry point: everything happens in `ExporterMain`, which tests also call.
let status = await ExporterMain.run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
exit(status)
