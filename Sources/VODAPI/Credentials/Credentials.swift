import Primitives
/// An access key pair, optionally temporary (an STS token and an expiry).
///
/// The description never shows the secret or the token, so the value can be logged or
/// interpolated into an error safely.
public struct Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let accessKeyId: String
    public let accessKeySecret: String
    /// The STS security token of temporary credentials.
    public let securityToken: String?
    /// When temporary credentials stop working (seconds since the epoch).
    public let expiration: Int64?

    public init(accessKeyId: String, accessKeySecret: String, securityToken: String? = nil, expiration: Int64? = nil) {
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
        self.expiration = expiration
    }

    /// Whether these are temporary (STS) credentials.
    public var isTemporary: Bool { securityToken != nil }

    /// The key id with its middle masked, e.g. `LTAI****abcd`.
    public var maskedAccessKeyId: String {
        Credentials.mask(accessKeyId)
    }

    public var description: String {
        var text = "Credentials(accessKeyId: \(maskedAccessKeyId), accessKeySecret: <redacted>"
        if securityToken != nil { text += ", securityToken: <redacted>" }
        if let expiration { text += ", expiration: \(UTCTimestamp.format(expiration))" }
        return text + ")"
    }

    public var debugDescription: String { description }

    /// Masks all but the first and last four characters (all of a short value).
    public static func mask(_ value: String) -> String {
        guard value.count > 12 else { return String(repeating: "*", count: min(value.count, 8)) }
        return "\(value.prefix(4))****\(value.suffix(4))"
    }
}

extension Credentials: CustomReflectable {
    /// A mirror without the secret or the token, so `dump()` and debuggers show no secrets.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "accessKeyId": maskedAccessKeyId, "accessKeySecret": "<redacted>",
            "securityToken": securityToken == nil ? "nil" : "<redacted>",
            "expiration": expiration.map(UTCTimestamp.format) ?? "nil",
        ])
    }
}
