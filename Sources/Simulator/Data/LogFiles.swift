import FoundationEssentials
import Gzip
import Primitives
import Synchronization

/// The hourly access-log files DescribeVodDomainLog lists, served by the simulator itself (with
/// `Range` support, so downloads can resume): deterministic gzip files of CDN log lines.
final class LogFiles: Sendable {
    private let model: TrafficModel
    private let cache = Mutex<[String: [UInt8]]>([:])

    init(model: TrafficModel) {
        self.model = model
    }

    /// The file name for `domain`'s hour starting at `hour`.
    static func name(domain: String, hour: Int64) -> String {
        let stamp = UTCTimestamp.format(hour)
        let compact = String(stamp.prefix(13).map { $0 == "-" || $0 == "T" ? "_" : $0 })
        return "\(domain)_\(compact)0000.gz"
    }

    /// The gzip bytes of a file (made once, then kept).
    func content(domain: String, hour: Int64) -> [UInt8] {
        let key = Self.name(domain: domain, hour: hour)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        var text = ""
        let lines = 200 + Int(model.unit(model.hash("log:\(key)")) * 600)
        for index in 0..<lines {
            let second = hour + Int64(index) * 3600 / Int64(lines)
            let size = 100_000 + Int(model.unit(model.hash("\(key)#\(index)")) * 4_000_000)
            text += "[\(UTCTimestamp.format(second))] 203.0.113.\(index % 250) - 12 \"-\" \"GET https://\(domain)/videos/\(index % 37).mp4\" 200 512 \(size) HIT \"Mozilla/5.0\" \"video/mp4\"\n"
        }
        let bytes = GzipMember.compress(Array(text.utf8))
        cache.withLock { $0[key] = bytes }
        return bytes
    }

    /// Parses `domain_YYYY_MM_DD_HH0000.gz` back into its parts.
    static func parse(_ name: String) -> (domain: String, hour: Int64)? {
        guard name.hasSuffix("0000.gz"), name.count > 22 else { return nil }
        let stampStart = name.index(name.endIndex, offsetBy: -20)
        let stamp = name[stampStart...].prefix(13)  // YYYY_MM_DD_HH
        let parts = stamp.split(separator: "_")
        guard parts.count == 4, name[name.index(before: stampStart)] == "_",
              let hour = UTCTimestamp.parse("\(parts[0])-\(parts[1])-\(parts[2])T\(parts[3]):00:00Z") else { return nil }
        return (String(name[..<name.index(before: stampStart)]), hour)
    }
}
