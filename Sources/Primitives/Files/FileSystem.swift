#if canImport(Glibc)
import Glibc
#endif

/// Small file operations on the C library, with failures in plain words and the path.
public enum FileSystem {
    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The size of the regular file at `path`; nil when there is none.
    public static func size(of path: String) -> Int64? {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(status.st_size)
    }

    /// Removes the file at `path`; a missing file is not an error.
    /// - Throws: ``TextFile/FileError`` when it exists and cannot be removed.
    public static func remove(_ path: String) throws(TextFile.FileError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw TextFile.FileError(.write, path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Renames `source` to `target` (same file system), replacing `target`.
    /// - Throws: ``TextFile/FileError`` naming the target and why.
    public static func move(_ source: String, to target: String) throws(TextFile.FileError) {
        guard rename(source, target) == 0 else {
            throw TextFile.FileError(.write, path: target, reason: String(cString: strerror(errno)))
        }
    }

    /// `name` inside `folder`.
    public static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
