/// A response: status, headers and body chunks. `Content-Length` and `Connection` are added by
/// the encoder, so routes cannot get them wrong.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    /// Header fields in order (no `Content-Length`, no `Connection`).
    public var headers: [(name: String, value: String)]
    /// The body, as chunks written one after another.
    public var body: [ArraySlice<UInt8>]

    public init(status: HTTPStatus, headers: [(name: String, value: String)] = [], body: [ArraySlice<UInt8>] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A small plain-text response.
    public static func text(_ status: HTTPStatus, _ text: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers, body: [Array(text.utf8)[...]])
    }

    /// The body length in bytes.
    public var bodyLength: Int { body.reduce(0) { $0 + $1.count } }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// Writes the status line and header block of a response.
public enum HTTPResponseEncoder {
    /// The head bytes of `response`.
    /// - Parameters:
    ///   - keepAlive: whether the connection stays open; `Connection: close` is sent otherwise.
    ///   - requestVersion: HTTP/1.0 clients that keep the connection get `Connection: keep-alive`.
    ///   - date: the `Date` header value (see `HTTPDate`).
    public static func head(of response: HTTPResponse, keepAlive: Bool, requestVersion: HTTPVersion, date: String) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status.rawValue) \(response.status.reasonPhrase)\r\n"
        text += "Date: \(date)\r\n"
        for (name, value) in response.headers {
            text += "\(name): \(value)\r\n"
        }
        text += "Content-Length: \(response.bodyLength)\r\n"
        if !keepAlive {
            text += "Connection: close\r\n"
        } else if requestVersion == .http10 {
            text += "Connection: keep-alive\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }
}
