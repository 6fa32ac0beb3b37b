/// Parses one HTTP/1.x request head from the start of a byte buffer.
///
/// Pure and total: any input, complete or cut anywhere, gives `incomplete`, a request, or an
/// error carrying the status to answer with. It never reads past the limits, so a client cannot
/// make it buffer or scan more than `maxHeadBytes` plus the read size.
public enum HTTPRequestParser {
    /// The result of looking at the bytes received so far.
    public enum Outcome: Equatable, Sendable {
        /// No complete head yet, and nothing wrong so far.
        case incomplete
        /// A head, and how many bytes of the buffer it used (the rest belongs to the next request).
        case complete(HTTPRequestHead, consumed: Int)
        /// The head is refused; answer with the error's status and close the connection.
        case failed(HTTPParseError)
    }

    /// Parses the head at the start of `bytes`.
    public static func parse(_ bytes: ArraySlice<UInt8>, limits: HTTPParseLimits = HTTPParseLimits()) -> Outcome {
        bytes.withUnsafeBufferPointer { parse(buffer: $0, limits: limits) }
    }

    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    private static let methodLengthLimit = 32

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: HTTPParseLimits) -> Outcome {
        let count = buffer.count
        // Empty lines before a request line are ignored (RFC 9112 §2.2), within the head budget.
        var index = 0
        while index < count && (buffer[index] == cr || buffer[index] == lf) {
            if buffer[index] == cr {
                guard index + 1 < count else { return .incomplete }
                guard buffer[index + 1] == lf else { return .failed(HTTPParseError(.badRequest, "bare CR in the request")) }
                index += 2
            } else {
                index += 1
            }
            if index > limits.maxHeadBytes { return .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "request head too large")) }
        }
        let headStart = index
        let headEnd = min(count, headStart + limits.maxHeadBytes)

        // Request line.
        guard let requestLineEnd = firstLineFeed(buffer, from: headStart, to: headEnd) else {
            if let early = earlyRequestLineFailure(buffer, from: headStart, to: count, limits: limits) { return .failed(early) }
            return count - headStart >= limits.maxHeadBytes
                ? .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "request head too large")) : .incomplete
        }
        let requestLine: (method: String, target: String, version: HTTPVersion)
        switch parseRequestLine(buffer, from: headStart, to: lineContentEnd(buffer, lineStart: headStart, lineFeed: requestLineEnd), limits: limits) {
        case .success(let line): requestLine = line
        case .failure(let error): return .failed(error)
        }

        // Header fields, up to the empty line.
        var headers: [(name: String, value: String)] = []
        var lineStart = requestLineEnd + 1
        while true {
            guard let lineFeed = firstLineFeed(buffer, from: lineStart, to: headEnd) else {
                return count - headStart >= limits.maxHeadBytes
                    ? .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "request head too large")) : .incomplete
            }
            let contentEnd = lineContentEnd(buffer, lineStart: lineStart, lineFeed: lineFeed)
            if contentEnd == lineStart {
                lineStart = lineFeed + 1
                break
            }
            switch parseHeaderField(buffer, from: lineStart, to: contentEnd) {
            case .success(let field): headers.append(field)
            case .failure(let error): return .failed(error)
            }
            if headers.count > limits.maxHeaderCount {
                return .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "more than \(limits.maxHeaderCount) header fields"))
            }
            lineStart = lineFeed + 1
        }
        var head = HTTPRequestHead(method: requestLine.method, target: requestLine.target, version: requestLine.version, headers: headers)
        switch bodyLength(head, limits: limits) {
        case .failure(let error): return .failed(error)
        case .success(let length): head.contentLength = length
        }
        return .complete(head, consumed: lineStart)
    }

    /// The index of the first LF in `from..<to`, if any.
    private static func firstLineFeed(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            if buffer[index] == lf { return index }
            index += 1
        }
        return nil
    }

    /// Where a line's content ends: before a CR that directly precedes its LF.
    private static func lineContentEnd(_ buffer: UnsafeBufferPointer<UInt8>, lineStart: Int, lineFeed: Int) -> Int {
        lineFeed > lineStart && buffer[lineFeed - 1] == cr ? lineFeed - 1 : lineFeed
    }

    /// Refuses a request line before it is complete when it already breaks a limit or the
    /// method grammar, so a client cannot trickle a huge target in without an answer.
    private static func earlyRequestLineFailure(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, limits: HTTPParseLimits) -> HTTPParseError? {
        var index = start
        while index < end && buffer[index] != space {
            if !isTokenCharacter(buffer[index]) && buffer[index] != cr { return HTTPParseError(.badRequest, "malformed request line") }
            index += 1
            if index - start > methodLengthLimit { return HTTPParseError(.badRequest, "method too long") }
        }
        guard index < end else { return nil }
        let targetStart = index + 1
        var targetEnd = targetStart
        while targetEnd < end && buffer[targetEnd] != space && buffer[targetEnd] != cr { targetEnd += 1 }
        return targetEnd - targetStart > limits.maxTargetBytes ? HTTPParseError(.uriTooLong, "request target longer than \(limits.maxTargetBytes) bytes") : nil
    }

    private static func parseRequestLine(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, limits: HTTPParseLimits)
        -> Result<(method: String, target: String, version: HTTPVersion), HTTPParseError> {
        let malformed = HTTPParseError(.badRequest, "malformed request line")
        var spaces: [Int] = []
        for index in start..<end {
            let byte = buffer[index]
            if byte == space {
                spaces.append(index)
                if spaces.count > 2 { return .failure(malformed) }
            } else if byte < 0x21 || byte > 0x7E {
                return .failure(malformed)
            }
        }
        guard spaces.count == 2 else { return .failure(malformed) }
        let method = UnsafeBufferPointer(rebasing: buffer[start..<spaces[0]])
        let target = UnsafeBufferPointer(rebasing: buffer[(spaces[0] + 1)..<spaces[1]])
        let version = UnsafeBufferPointer(rebasing: buffer[(spaces[1] + 1)..<end])
        guard !method.isEmpty, method.count <= methodLengthLimit, method.allSatisfy(isTokenCharacter) else {
            return .failure(HTTPParseError(.badRequest, "malformed method"))
        }
        guard target.count <= limits.maxTargetBytes else {
            return .failure(HTTPParseError(.uriTooLong, "request target longer than \(limits.maxTargetBytes) bytes"))
        }
        guard let parsedVersion = parseVersion(version) else {
            return .failure(isHTTPVersionShape(version)
                ? HTTPParseError(.httpVersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are served")
                : HTTPParseError(.badRequest, "malformed HTTP version"))
        }
        guard let originForm = originFormTarget(String(decoding: target, as: UTF8.self)) else {
            return .failure(HTTPParseError(.badRequest, "request target is not a path"))
        }
        return .success((String(decoding: method, as: UTF8.self), originForm, parsedVersion))
    }

    private static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPVersion? {
        switch String(decoding: bytes, as: UTF8.self) {
        case "HTTP/1.1": .http11
        case "HTTP/1.0": .http10
        default: nil
        }
    }

    /// `HTTP/<digit>.<digit>`: a well-formed version we do not serve (505, not 400).
    private static func isHTTPVersionShape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix = Array("HTTP/".utf8)
        guard bytes.count == 8, Array(bytes[0..<5]) == prefix, bytes[6] == UInt8(ascii: ".") else { return false }
        return isDigit(bytes[5]) && isDigit(bytes[7])
    }

    /// The path-and-query of a target: origin form as is, `*` kept, absolute form reduced to its
    /// path (servers must accept it, RFC 9112 §3.2.2). Nil for anything else.
    private static func originFormTarget(_ target: String) -> String? {
        if target.hasPrefix("/") || target == "*" { return target }
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let afterScheme = target.dropFirst(scheme.count)
            guard let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            let rest = String(afterScheme[slash...])
            return rest.hasPrefix("?") ? "/" + rest : rest
        }
        return nil
    }

    private static func parseHeaderField(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Result<(name: String, value: String), HTTPParseError> {
        if buffer[start] == space || buffer[start] == tab {
            return .failure(HTTPParseError(.badRequest, "folded header lines are not accepted"))
        }
        var colon = start
        while colon < end && buffer[colon] != UInt8(ascii: ":") {
            guard isTokenCharacter(buffer[colon]) else { return .failure(HTTPParseError(.badRequest, "malformed header name")) }
            colon += 1
        }
        guard colon < end, colon > start else { return .failure(HTTPParseError(.badRequest, "malformed header line")) }
        var valueStart = colon + 1, valueEnd = end
        while valueStart < valueEnd && (buffer[valueStart] == space || buffer[valueStart] == tab) { valueStart += 1 }
        while valueEnd > valueStart && (buffer[valueEnd - 1] == space || buffer[valueEnd - 1] == tab) { valueEnd -= 1 }
        for index in valueStart..<valueEnd {
            let byte = buffer[index]
            if (byte < 0x20 && byte != tab) || byte == 0x7F {
                return .failure(HTTPParseError(.badRequest, "control character in a header value"))
            }
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<colon]), as: UTF8.self).lowercased()
        let value = String(decoding: UnsafeBufferPointer(rebasing: buffer[valueStart..<valueEnd]), as: UTF8.self)
        return .success((name, value))
    }

    /// Rules that need the whole head: Host for HTTP/1.1, and a body only by `Content-Length`
    /// and within `maxBodyBytes` (0 for the metrics listener: no bodies at all).
    private static func bodyLength(_ head: HTTPRequestHead, limits: HTTPParseLimits) -> Result<Int, HTTPParseError> {
        let hosts = head.headers.filter { $0.name == "host" }
        if hosts.count > 1 || (head.version == .http11 && hosts.isEmpty) {
            return .failure(HTTPParseError(.badRequest, "an HTTP/1.1 request needs exactly one Host header"))
        }
        let refusal = limits.maxBodyBytes == 0 ? "request bodies are not accepted" : "request body larger than \(limits.maxBodyBytes) bytes"
        if head.headers.contains(where: { $0.name == "transfer-encoding" }) {
            return .failure(HTTPParseError(.contentTooLarge, limits.maxBodyBytes == 0 ? refusal : "chunked request bodies are not accepted"))
        }
        let lengths = Set(head.headers.filter { $0.name == "content-length" }.map(\.value))
        guard lengths.count <= 1 else { return .failure(HTTPParseError(.badRequest, "conflicting Content-Length headers")) }
        guard let text = lengths.first else { return .success(0) }
        guard !text.isEmpty, text.utf8.allSatisfy(isDigit) else { return .failure(HTTPParseError(.badRequest, "malformed Content-Length")) }
        let digits = text.drop { $0 == "0" }
        guard digits.count <= 18, let length = Int(digits.isEmpty ? "0" : String(digits)), length <= limits.maxBodyBytes else {
            return .failure(HTTPParseError(.contentTooLarge, refusal))
        }
        return .success(length)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
