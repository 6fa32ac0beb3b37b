#if canImport(Glibc)
import Glibc
#endif

/// Blocking the calling thread, for code that runs on threads of its own (never on the Swift
/// concurrency pool).
public enum Pause {
    /// Sleeps for `seconds` (resumed after signals until the time is up).
    public static func block(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}
