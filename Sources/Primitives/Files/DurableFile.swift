#if canImport(Glibc)
import Glibc
#endif

/// Whole-file writes that survive a crash or power loss: a temporary file in the same folder,
/// `fsync`, `rename` over the target, then `fsync` of the folder. Afterwards the target holds
/// either the old bytes or the new ones, never a mix.
public enum DurableFile {
    /// Writes `bytes` to `path` atomically (mode 0600: state and queued samples are the
    /// operator's data, not the world's).
    /// - Throws: ``TextFile/FileError`` naming the file and why.
    public static func write(_ bytes: [UInt8], to path: String) throws(TextFile.FileError) {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TextFile.FileError(.write, path: temporary, reason: String(cString: strerror(errno))) }
        if let code = DescriptorIO.writeAll(bytes, to: descriptor) {
            close(descriptor)
            unlink(temporary)
            throw TextFile.FileError(.write, path: temporary, reason: String(cString: strerror(code)))
        }
        guard fsync(descriptor) == 0, close(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw TextFile.FileError(.write, path: temporary, reason: "cannot flush: \(reason)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw TextFile.FileError(.write, path: path, reason: reason)
        }
        syncFolder(of: path)
    }

    /// Makes a rename or removal in the folder of `path` durable.
    public static func syncFolder(of path: String) {
        let descriptor = open(Directory.parent(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Whether `name` is a temporary file a write left behind when the process died mid-write.
    public static func isLeftover(_ name: String) -> Bool {
        name.contains(".tmp-")
    }
}
