import FoundationEssentials
import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes the state file (`--state.file`) safely.
///
/// Writes are atomic: a temporary file in the same folder, `fsync`, `rename`, then `fsync` of
/// the folder, so a crash leaves either the old file or the new one. A file that cannot be
/// used is moved aside (`<path>.rejected-<time>`) and never trusted.
public struct StateFile: Sendable {
    public let path: String
    /// Files larger than this are refused unread: about 1.5 kB a domain, and 9 kB more by a month's
    /// end with the usage collector (10,000 domains in one replica: about 105 MB).
    public static let maxBytes = 256 << 20

    public init(path: String) {
        self.path = path
    }

    /// What loading found.
    public enum LoadResult: Sendable, Equatable {
        case missing
        case loaded(AgentState)
        /// Unusable; moved to `setAsideAt` (nil when even that failed).
        case rejected(reason: String, setAsideAt: String?)
    }

    /// Loads the state, checking that it is ours and belongs to `endpoint` and `shard`.
    public func load(endpoint: String, shard: String, now: Int64) -> LoadResult {
        guard FileSystem.exists(path) else { return .missing }
        let reason: String
        do {
            let text = try TextFile.read(path, maxBytes: Self.maxBytes)
            let state = try JSONDecoder().decode(AgentState.self, from: Data(text.utf8))
            if state.format != AgentState.formatName {
                reason = "not a vodcdn-exporter state file"
            } else if state.version != AgentState.currentVersion {
                reason = "state format version \(state.version) is not \(AgentState.currentVersion)"
            } else if state.endpoint != endpoint {
                reason = "written for endpoint \(state.endpoint), not \(endpoint)"
            } else if state.shard != shard {
                reason = "written for shard \(state.shard), not \(shard)"
            } else if state.savedAt > now + 300 {
                reason = "saved in the future (\(state.savedAt)); the clock or the file is wrong"
            } else {
                return .loaded(state)
            }
        } catch let error as TextFile.FileError {
            reason = "unreadable: \(error.reason)"
        } catch let error as DecodingError {
            reason = "corrupt: \(Self.describe(error))"
        } catch {
            reason = "corrupt: not JSON"
        }
        let aside = "\(path).rejected-\(now)"
        let moved = (try? FileSystem.move(path, to: aside)) != nil
        return .rejected(reason: reason, setAsideAt: moved ? aside : nil)
    }

    /// Why writing failed.
    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `state` atomically.
    public func save(_ state: AgentState) throws(WriteError) {
        let data: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            data = try encoder.encode(state)
        } catch {
            throw WriteError(description: "cannot encode the state: \(error)")
        }
        do {
            try DurableFile.write([UInt8](data), to: path)
        } catch {
            throw WriteError(description: error.description)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
