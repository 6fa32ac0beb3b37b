#if canImport(Glibc)
import Glibc
#endif

/// What tells that a file changed without reading it: device, inode, size and modification
/// time (a replaced file has a new inode; an edited one a new time or size).
public struct FileVersion: Sendable, Equatable {
    let device: UInt64, inode: UInt64, size: Int64, modifiedSeconds: Int, modifiedNanoseconds: Int

    /// The size in bytes.
    public var byteCount: Int64 { size }

    /// The version of the file at `path` now, or nil when it cannot be seen (errno says why).
    public static func of(_ path: String) -> FileVersion? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileVersion(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                           modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }
}
