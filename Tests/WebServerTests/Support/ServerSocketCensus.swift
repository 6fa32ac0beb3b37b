import Foundation

/// Counts this process's open descriptors that are server-side TCP sockets on `port` (local
/// port equal to it): the listening socket and accepted connections. Tests in other suites run
/// in parallel in this process, so counting all descriptors would be noise; these are only ours.
enum ServerSocketCensus {
    static func count(port: UInt16) -> Int {
        var inodes = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, let portHex = fields[1].split(separator: ":").last, UInt16(portHex, radix: 16) == port else { continue }
                if fields[9] != "0" { inodes.insert(String(fields[9])) }
            }
        }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                  target.hasPrefix("socket:[") else { return false }
            return inodes.contains(String(target.dropFirst(8).dropLast()))
        }.count
    }
}
