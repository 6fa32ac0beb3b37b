import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// What the binary changes about its own process, once, at start-up: the libraries (the
/// listener, the agent) never do.
public enum ProcessSettings {
    /// Ignores SIGPIPE (a peer that went away is an error to handle, not the end of the process;
    /// every send also uses MSG_NOSIGNAL), raises the soft open-files limit to the hard one, and
    /// tunes glibc's allocator (``AllocatorTuning``).
    public static func apply(environment: [String: String]) {
        signal(SIGPIPE, SIG_IGN)
        OpenFilesLimit.raiseToHard()
        AllocatorTuning.configure(environment: environment)
    }
}
