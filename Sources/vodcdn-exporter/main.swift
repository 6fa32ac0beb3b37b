import Application
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Entry point: the process's own settings once, then everything happens in `ExporterMain`,
/// which tests also call.
ProcessSettings.apply(environment: ProcessInfo.processInfo.environment)
let status = await ExporterMain.run(ProcessArguments.currentOrExit(), environment: ProcessInfo.processInfo.environment)
exit(status)
