import Glibc

/// Keeps glibc's allocator from holding memory the agent no longer needs.
///
/// The agent allocates in bursts (a collector run every few minutes, a snapshot of megabytes after
/// it) and holds little in between. Left as it comes, glibc gives busy threads their own
/// arenas (up to 8 per core), raises its mmap threshold after the first large free so later
/// snapshot buffers land inside an arena, and keeps freed pages: over 30 back-to-back cycles
/// resident memory rose steadily while the live heap stayed flat. Two arenas, a fixed mmap
/// threshold and a trim after each cycle keep it flat (docs/benchmarks.md has the figures).
/// The functions are looked up at run time, so on a C library without them nothing happens.
public enum AllocatorTuning {
    /// Two malloc arenas, and buffers of 256 KiB and more in their own mappings (returned to the
    /// system when freed). A setting the operator made through glibc's environment variables
    /// (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`) is left alone.
    public static func configure(environment: [String: String]) {
        guard let symbol = lookUp("mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        if environment["MALLOC_ARENA_MAX"] == nil { _ = mallopt(-8, 2) }  // M_ARENA_MAX
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = mallopt(-3, 256 * 1024) }  // M_MMAP_THRESHOLD
    }

    /// Returns whole free pages in every arena to the system (after each collector run).
    @Sendable public static func releaseFreePages() {
        guard let symbol = lookUp("malloc_trim") else { return }
        let mallocTrim = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        _ = mallocTrim(0)
    }

    private static func lookUp(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)  // RTLD_DEFAULT
    }
}
