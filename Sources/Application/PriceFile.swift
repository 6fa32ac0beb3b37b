import Agent
import Flags
import Primitives

/// Reads a price file named by a flag (`--usage.price-file`, `usage --price-file`).
enum PriceFile {
    /// The file's price sheet, or a usage error that names the flag, the file and the place in it.
    static func read(_ path: String, flag: String) throws(UsageError) -> PriceSheet {
        let bytes: [UInt8]
        do {
            bytes = try TextFile.readBytes(path, maxBytes: 1 << 20)
        } catch {
            throw UsageError("--\(flag): \(error)")
        }
        do {
            return try PriceSheet.parse(bytes)
        } catch {
            throw UsageError("--\(flag) \(path): \(error.description)")
        }
    }
}
