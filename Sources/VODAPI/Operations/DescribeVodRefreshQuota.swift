/// The account's daily refresh and preload quotas and what is left today.
public struct DescribeVodRefreshQuota: VODOperation {
    public static let action = "DescribeVodRefreshQuota"

    public init() {}

    public func parameters() throws(RequestValidationError) -> [String: String] {
        [:]
    }

    /// A daily allowance and its remainder.
    public struct Allowance: Sendable, Equatable {
        public var quota: Double
        public var remaining: Double
    }

    /// All four allowances.
    public struct Response: Sendable, Equatable {
        public var requestId: String
        public var url: Allowance
        public var directory: Allowance
        public var preload: Allowance
        /// Storage ("block") purges; nil when the account has none.
        public var block: Allowance?
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        func allowance(_ quotaKey: String, _ remainKeys: [String]) throws(ResponseDecodingError) -> Allowance? {
            guard let quota = try body.number(quotaKey) else { return nil }
            for key in remainKeys {
                if let remaining = try body.number(key) { return Allowance(quota: quota, remaining: remaining) }
            }
            throw ResponseDecodingError(path: remainKeys[0], problem: "missing while \(quotaKey) is present")
        }
        func required(_ quotaKey: String, _ remainKey: String) throws(ResponseDecodingError) -> Allowance {
            guard let found = try allowance(quotaKey, [remainKey]) else {
                throw ResponseDecodingError(path: quotaKey, problem: "missing number")
            }
            return found
        }
        return Response(
            requestId: try body.optionalString("RequestId") ?? "",
            url: try required("UrlQuota", "UrlRemain"),
            directory: try required("DirQuota", "DirRemain"),
            preload: try required("PreloadQuota", "PreloadRemain"),
            // The API spells this one in lower camel case; accept both spellings.
            block: try allowance("BlockQuota", ["blockRemain", "BlockRemain"]))
    }
}
