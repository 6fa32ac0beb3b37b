#if canImport(Glibc)
import Glibc
#endif

/// Creating folders with the C library, so that a failure reads in plain words with the path.
public enum Directory {
    /// `path` and every missing parent, like `mkdir -p` (mode 0755).
    /// - Throws: ``TextFile/FileError`` naming the part that could not be made and why.
    public static func create(_ path: String) throws(TextFile.FileError) {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            built += "/" + part
            if mkdir(built, 0o755) == 0 || errno == EEXIST {
                var status = stat()
                guard stat(built, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
                    throw TextFile.FileError(.write, path: built, reason: "it exists and is not a folder")
                }
                continue
            }
            throw TextFile.FileError(.write, path: built, reason: String(cString: strerror(errno)))
        }
    }

    /// The names in the folder at `path` (without `.` and `..`), sorted bytewise.
    /// - Throws: ``TextFile/FileError`` when the folder cannot be read.
    public static func entries(_ path: String) throws(TextFile.FileError) -> [String] {
        guard let folder = opendir(path) else { throw TextFile.FileError(.read, path: path, reason: String(cString: strerror(errno))) }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The folder holding `path`: the part before its last `/` (`"."` when it has none, `"/"`
    /// for a file at the root).
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
