#if canImport(Glibc)
import Glibc
#endif

/// Creates the listening socket: `SO_REUSEADDR`, close-on-exec, non-blocking, dual stack for
/// `:PORT`. The caller owns the returned descriptor.
enum ListeningSocket {
    /// Binds and listens on `address`.
    /// - Returns: the descriptor and the bound port (useful with port 0).
    static func open(_ address: ListenAddress, backlog: Int32) throws(SocketError) -> (fd: Int32, port: UInt16) {
        if address.host == nil {
            // Every interface: one IPv6 socket that also takes IPv4, else IPv4 alone.
            do {
                return try bindAny(family: AF_INET6, port: address.port, backlog: backlog)
            } catch where error.code == EAFNOSUPPORT || error.code == EADDRNOTAVAIL || error.code == EPROTONOSUPPORT {
                return try bindAny(family: AF_INET, port: address.port, backlog: backlog)
            }
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &results)
        guard status == 0, let first = results else {
            throw SocketError("resolve \(address.host ?? "")", code: status == EAI_SYSTEM ? errno : EADDRNOTAVAIL)
        }
        defer { freeaddrinfo(results) }
        var lastError = SocketError("bind \(address)", code: EADDRNOTAVAIL)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            do {
                return try bind(family: current.pointee.ai_family, address: current.pointee.ai_addr, length: current.pointee.ai_addrlen,
                                backlog: backlog, description: address.description)
            } catch {
                lastError = error
            }
            entry = current.pointee.ai_next
        }
        throw lastError
    }

    private static func bindAny(family: Int32, port: UInt16, backlog: Int32) throws(SocketError) -> (fd: Int32, port: UInt16) {
        if family == AF_INET6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = in6addr_any
            return try withUnsafePointer(to: &address) { pointer throws(SocketError) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(SocketError) in
                    try bind(family: family, address: raw, length: socklen_t(MemoryLayout<sockaddr_in6>.size), backlog: backlog, description: ":\(port)")
                }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = INADDR_ANY
        return try withUnsafePointer(to: &address) { pointer throws(SocketError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(SocketError) in
                try bind(family: family, address: raw, length: socklen_t(MemoryLayout<sockaddr_in>.size), backlog: backlog, description: ":\(port)")
            }
        }
    }

    private static func bind(family: Int32, address: UnsafePointer<sockaddr>?, length: socklen_t, backlog: Int32, description: String) throws(SocketError) -> (fd: Int32, port: UInt16) {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw SocketError.current("socket") }
        var one: Int32 = 1, zero: Int32 = 0
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET6 {
            // Dual stack for the wildcard address; harmless for a specific IPv6 address.
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
        }
        guard Glibc.bind(fd, address, length) == 0 else {
            let error = SocketError.current("bind \(description)")
            close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = SocketError.current("listen \(description)")
            close(fd)
            throw error
        }
        return (fd, boundPort(fd))
    }

    /// The local port of a bound socket.
    static func boundPort(_ fd: Int32) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0 else { return 0 }
        return withUnsafePointer(to: &storage) { pointer in
            switch Int32(pointer.pointee.ss_family) {
            case AF_INET6: pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            case AF_INET: pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            default: 0
            }
        }
    }
}
