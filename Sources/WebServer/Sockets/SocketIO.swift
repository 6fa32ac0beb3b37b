#if canImport(Glibc)
import Glibc
#endif

/// Non-blocking socket calls that retry `EINTR` and report `EAGAIN` as "try later".
enum SocketIO {
    enum ReadResult: Equatable {
        case bytes(Int)
        case endOfFile
        case wouldBlock
        case failed(Int32)
    }

    /// Reads what is available into `scratch` (reused by the caller, so no per-read
    /// allocation); `.bytes(n)` means the first `n` bytes of it are new.
    static func read(_ fd: Int32, into scratch: UnsafeMutableRawBufferPointer) -> ReadResult {
        while true {
            let count = Glibc.recv(fd, scratch.baseAddress, scratch.count, 0)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .endOfFile }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(code)
        }
    }

    enum WriteResult: Equatable {
        case wrote(Int)
        case wouldBlock
        case failed(Int32)
    }

    /// Writes as much of `chunks` as the socket takes now, in one `sendmsg` (gathered, no copy,
    /// `MSG_NOSIGNAL` so a closed peer is an error and not a `SIGPIPE`).
    static func write(_ fd: Int32, _ chunks: ArraySlice<ArraySlice<UInt8>>) -> WriteResult {
        let limited = chunks.prefix(64)
        var vectors: [iovec] = []
        vectors.reserveCapacity(limited.count)
        return withBasePointers(limited[...], index: limited.startIndex, vectors: &vectors) { vectors in
            while true {
                var message = msghdr()
                let sent = vectors.withUnsafeMutableBufferPointer { pointer -> Int in
                    message.msg_iov = pointer.baseAddress
                    message.msg_iovlen = pointer.count
                    return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                }
                if sent >= 0 { return .wrote(sent) }
                let code = errno
                if code == EINTR { continue }
                return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(code)
            }
        }
    }

    /// Pins each chunk's storage while the vectors point into it.
    private static func withBasePointers<Result>(
        _ chunks: ArraySlice<ArraySlice<UInt8>>, index: Int, vectors: inout [iovec], _ body: (inout [iovec]) -> Result
    ) -> Result {
        guard index < chunks.endIndex else { return body(&vectors) }
        return chunks[index].withUnsafeBytes { bytes in
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count))
            return withBasePointers(chunks, index: index + 1, vectors: &vectors, body)
        }
    }

    /// Marks an accepted descriptor close-on-exec and non-blocking (`accept4` is not exported
    /// to Swift on every Glibc), and turns off Nagle's algorithm as Go's net package does: each
    /// response goes out in one gathered write, so there is nothing to coalesce, only delay.
    static func prepareAccepted(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// A peer address as `ip:port` (`[ip]:port` for IPv6), for the access log; `unknown` without one.
    static func describe(_ peer: (host: String, port: String)?) -> String {
        guard let (host, port) = peer else { return "unknown" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The peer's numeric address and port, or nil when the socket has none.
    static func peer(_ fd: Int32) -> (host: String, port: String)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        guard status == 0 else { return nil }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), &service, socklen_t(service.count), NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard result == 0 else { return nil }
        return (String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                String(decoding: service.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
