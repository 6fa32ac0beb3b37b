import CCurl
import Glibc

/// A request checked for what libcurl would send wrongly (a header with a line break in it
/// would go out as two headers), kept as Swift values until `perform` makes the C strings on the
/// thread that sends it.
struct CurlRequest: Sendable {
    private let url: String
    private let method: String
    private let headerLines: [String]
    private let body: [UInt8]
    private let deadline: Deadline
    private let tls: ClientTLS

    /// How long the exchange may take.
    enum Deadline: Sendable {
        /// The whole exchange, in seconds (API calls).
        case total(Double)
        /// Fails only after this many seconds of (almost) no progress (downloads of any size).
        case stall(Double)
    }

    init(_ request: HTTPRequest, deadline: Deadline, tls: ClientTLS = .system) throws(TransportError) {
        guard HTTPRequest.isAbsoluteHTTPURL(request.url) else {
            throw TransportError(kind: .invalidRequest, detail: "not an absolute http or https URL")
        }
        var lines: [String] = []
        for field in request.headers {
            guard Self.isToken(field.name), !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw TransportError(kind: .invalidRequest, detail: "header \(field.name.debugDescription) cannot be sent as it is")
            }
            // "Name;" is libcurl's way of sending a header with an empty value.
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        url = request.url
        method = request.method.rawValue
        headerLines = lines
        body = request.body
        self.deadline = deadline
        self.tls = tls
    }

    /// Blocks until the exchange is over; returns libcurl's result code. The C strings live for
    /// the call only.
    func perform(on handle: UnsafeMutableRawPointer?, exchange: UnsafeMutablePointer<vodcurl_exchange>) -> Int32 {
        let headers = headerLines.map { strdup($0) }
        let (caFile, certFile, keyFile) = (tls.caFile.flatMap { strdup($0) }, tls.certFile.flatMap { strdup($0) }, tls.keyFile.flatMap { strdup($0) })
        defer {
            headers.forEach { free($0) }
            for file in [caFile, certFile, keyFile] { free(file) }
        }
        return url.withCString { url in
            method.withCString { method in
                headers.map { UnsafePointer($0) as UnsafePointer<CChar>? }.withUnsafeBufferPointer { headers in
                    body.withUnsafeBufferPointer { body in
                        var request = vodcurl_request(
                            url: url, method: method, headers: headers.baseAddress, header_count: headers.count,
                            body: body.baseAddress, body_length: body.count, timeout_ms: 0, stall_seconds: 0,
                            ca_file: caFile.map { UnsafePointer($0) }, cert_file: certFile.map { UnsafePointer($0) },
                            key_file: keyFile.map { UnsafePointer($0) }, insecure_skip_verify: tls.insecureSkipVerify ? 1 : 0)
                        switch deadline {
                        case .total(let seconds): request.timeout_ms = max(1, Int((seconds * 1000).rounded(.up)))
                        case .stall(let seconds): request.stall_seconds = max(1, Int(seconds.rounded(.up)))
                        }
                        return vodcurl_perform(handle, &request, exchange)
                    }
                }
            }
        }
    }

    /// An HTTP field name (RFC 9110 token).
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
