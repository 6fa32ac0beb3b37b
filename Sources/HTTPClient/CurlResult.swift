/// What libcurl's result codes mean for the client: the kind decides retries and whether the
/// server may have seen the request.
enum CurlResult {
    /// The error for libcurl result `code`, or nil for success (0).
    ///
    /// - Parameters:
    ///   - description: libcurl's name for the code.
    ///   - failureText: libcurl's message for this failure; anything from a `?` on is dropped,
    ///     so a signed query string (which can carry a security token) never reaches a log.
    ///   - bodyTooLarge: the body callback refused more bytes (the size cap).
    ///   - headTooLarge: the header callback refused more bytes.
    ///   - fileWriteFailure: why writing a downloaded body to its file failed, if it did.
    ///   - deadline: the request's deadline, which code 28 reports as passed.
    static func error(code: Int, description: String, failureText: String, bodyTooLarge: Bool, headTooLarge: Bool,
                      fileWriteFailure: String? = nil, deadline: CurlRequest.Deadline) -> TransportError? {
        let kind: TransportError.Kind
        switch code {
        case 0:
            return nil
        case 23 where bodyTooLarge:  // CURLE_WRITE_ERROR from our own callback
            return TransportError(kind: .responseTooLarge, detail: "the answer exceeds the response size cap")
        case 23 where headTooLarge:
            return TransportError(kind: .other, detail: "the answer's header exceeds 64 KiB")
        case 23 where fileWriteFailure != nil:
            return TransportError(kind: .other, detail: "writing the file failed: \(fileWriteFailure ?? "")")
        case 28:  // CURLE_OPERATION_TIMEDOUT: the deadline set from `deadline`
            switch deadline {
            case .total(let seconds): return TransportError(kind: .timedOut, detail: "no complete answer within \(seconds) s")
            case .stall(let seconds): return TransportError(kind: .timedOut, detail: "the transfer stalled for \(seconds) s")
            }
        case 42:  // CURLE_ABORTED_BY_CALLBACK: only our progress callback aborts, on cancel
            return TransportError(kind: .cancelled, detail: "the request was cancelled")
        case 5, 6, 7:  // could not resolve proxy / host, could not connect
            kind = .connectFailed
        case 1, 3:  // unsupported protocol, malformed URL
            kind = .invalidRequest
        case 18, 52, 55, 56:  // partial file, empty reply, send error, receive error
            kind = .connectionLost
        default:  // TLS failures (35, 60, ...), protocol errors
            kind = .other
        }
        let message = failureText.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let detail = message.isEmpty || message == description ? "libcurl error \(code): \(description)" : "libcurl error \(code): \(description) (\(message))"
        return TransportError(kind: kind, detail: detail)
    }
}
