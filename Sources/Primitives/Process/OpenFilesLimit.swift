#if canImport(Glibc)
import Glibc
#endif

/// The process's open-files limit (`RLIMIT_NOFILE`). Libraries only read it; raising it is the
/// application's decision, made once at start-up.
public enum OpenFilesLimit {
    /// The soft limit in force (1024 when it cannot be read).
    public static func current() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return UInt64(limit.rlim_cur)
    }

    /// Raises the soft limit to the hard limit (as the Go runtime does at start), so many scrapers
    /// and idle keep-alive connections fit. Returns the soft limit now in force.
    @discardableResult
    public static func raiseToHard() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }
}
