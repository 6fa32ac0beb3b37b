import CProcessArguments
#if canImport(Glibc)
import Glibc
#endif

/// The command line of this process, from the C library rather than the Swift runtime: on Linux
/// the runtime reads `/proc/self/cmdline`, so where `/proc` is not mounted (a chroot, some
/// sandboxes) it sees no arguments at all, and the binary would run as if given none.
public enum ProcessArguments {
    /// The arguments after the program name; nil when the process has no command line at all
    /// (not even its own name), which the caller must refuse rather than run with defaults.
    public static func current() -> [String]? {
        let count = Int(vodcdn_argc())
        guard count > 0, let vector = vodcdn_argv() else { return nil }
        return (1..<count).map { index in vector[index].map { String(cString: $0) } ?? "" }
    }

    /// ``current()``, or exit 1 with a message when there is no command line: running with the
    /// defaults instead would start the agent against the real API.
    public static func currentOrExit() -> [String] {
        guard let arguments = current() else {
            ExporterMain.writeError("\(ProductVersion.name): cannot read the command line; nothing was started\n")
            exit(ExitStatus.failure)
        }
        return arguments
    }
}
