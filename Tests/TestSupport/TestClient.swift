import Foundation
import Primitives
#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP client on a raw socket, so tests control every byte and can misbehave.
public final class TestClient {
    public struct Response {
        public let status: Int
        public let headers: [String: String]
        public let body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let fd: Int32
    private var buffer: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 65_536)

    /// Connects to 127.0.0.1:`port` (from `source`, another loopback address such as
    /// 127.0.0.2, when given); reads give up after `timeout` seconds.
    public init(port: UInt16, timeout: Double = 10, source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        Self.setReadTimeout(fd, timeout)
        if let source, Self.withAddress(source, port: 0, { bind(fd, $0, $1) }) != 0 {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "bind \(source): errno \(code)")
        }
        guard Self.withAddress("127.0.0.1", port: port, { connect(fd, $0, $1) }) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect: errno \(code)")
        }
    }

    /// Calls `body` with an IPv4 `address` and `port` as a socket address.
    private static func withAddress(_ address: String, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        socketAddress.sin_addr.s_addr = inet_addr(address)
        return withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// The client end of a connected pair of Unix sockets; the other end (non-blocking, for a
    /// server's connection to own and close) is returned beside it. No port is involved.
    public static func socketPair(timeout: Double = 10) throws -> (client: TestClient, serverEnd: Int32) {
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw Failure(description: "socketpair: errno \(errno)")
        }
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        setReadTimeout(ends[0], timeout)
        return (TestClient(connected: ends[0]), ends[1])
    }

    private init(connected fd: Int32) {
        self.fd = fd
    }

    private static func setReadTimeout(_ fd: Int32, _ timeout: Double) {
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        Glibc.close(fd)
    }

    /// Closes the sending side: the server reads end of file, the client can still read.
    public func finishSending() {
        shutdown(fd, Int32(SHUT_WR))
    }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += sent
        }
    }

    /// Sends a GET (or other method) with the given extra header lines.
    public func request(_ path: String, method: String = "GET", headers: [String] = []) throws -> Response {
        try send("\(method) \(path) HTTP/1.1\r\nHost: test\r\n" + headers.map { "\($0)\r\n" }.joined() + "\r\n")
        return try readResponse(isHead: method == "HEAD")
    }

    /// Reads one response framed by Content-Length.
    public func readResponse(isHead: Bool = false) throws -> Response {
        while true {
            if let end = headEnd() {
                let headText = String(decoding: buffer[..<end], as: UTF8.self)
                var lines = headText.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line: \(headText)") }
                var headers: [String: String] = [:]
                for line in lines where !line.isEmpty {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    headers[parts[0].lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
                }
                if !isHead, headers["transfer-encoding"]?.lowercased() == "chunked" {
                    buffer.removeFirst(end + 4)
                    return Response(status: status, headers: headers, body: try readChunkedBody())
                }
                let length = isHead ? 0 : Int(headers["content-length"] ?? "0") ?? 0
                while buffer.count < end + 4 + length {
                    guard try fill() else { throw Failure(description: "connection closed inside a body") }
                }
                let body = Array(buffer[(end + 4)..<(end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                return Response(status: status, headers: headers, body: body)
            }
            guard try fill() else { throw Failure(description: "connection closed before a response (\(buffer.count) bytes buffered)") }
        }
    }

    /// Reads a `Transfer-Encoding: chunked` body (what Go servers such as Prometheus send for
    /// larger answers): size lines in hex, data, a zero-size chunk, trailers.
    private func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine()
            guard let size = Int(line.split(separator: ";").first ?? "", radix: 16) else { throw Failure(description: "bad chunk size \(line)") }
            if size == 0 {
                while try !readLine().isEmpty {}  // trailers, then the blank line
                return body
            }
            while buffer.count < size + 2 {
                guard try fill() else { throw Failure(description: "connection closed inside a chunk") }
            }
            body.append(contentsOf: buffer[..<size])
            buffer.removeFirst(size + 2)
        }
    }

    private func readLine() throws -> String {
        while true {
            if let index = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<index], as: UTF8.self).trimmingWhitespace()
                buffer.removeFirst(index + 1)
                return line
            }
            guard try fill() else { throw Failure(description: "connection closed inside a chunked body") }
        }
    }

    /// Whether the server has closed the connection (reads end of file, or a reset).
    public func isClosedByServer() -> Bool {
        guard buffer.isEmpty else { return false }
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, 0)
        if count == 0 { return true }
        if count < 0 && errno == ECONNRESET { return true }
        if count == 1 { buffer.append(byte) }
        return false
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// Reads more bytes; false at end of file. Throws on timeout or error.
    private func fill() throws -> Bool {
        let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            buffer.append(contentsOf: scratch[..<count])
            return true
        }
        if count == 0 { return false }
        throw Failure(description: "recv: errno \(errno)")
    }
}
