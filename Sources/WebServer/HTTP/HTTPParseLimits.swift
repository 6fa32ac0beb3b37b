/// Bounds on what a request may send before it is refused.
public struct HTTPParseLimits: Sendable, Equatable {
    /// Request line plus headers, in bytes (431 beyond).
    public var maxHeadBytes: Int
    /// Request target, in bytes (414 beyond).
    public var maxTargetBytes: Int
    /// Number of header fields (431 beyond).
    public var maxHeaderCount: Int
    /// Request body bytes accepted with `Content-Length` (413 beyond); 0 refuses every body.
    public var maxBodyBytes: Int

    /// 8 KiB of head, 2 KiB of target, 100 header fields, no body.
    public init(maxHeadBytes: Int = 8 * 1024, maxTargetBytes: Int = 2 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 0) {
        precondition(maxHeadBytes > 0 && maxTargetBytes > 0 && maxHeaderCount > 0 && maxBodyBytes >= 0, "limits must be positive")
        self.maxHeadBytes = maxHeadBytes
        self.maxTargetBytes = maxTargetBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Why a request head was refused, with the status that says so.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: HTTPStatus
    /// What was wrong, for the debug log and the response body; never echoes request bytes.
    public let reason: String

    public init(_ status: HTTPStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status.rawValue) \(reason)" }
}
