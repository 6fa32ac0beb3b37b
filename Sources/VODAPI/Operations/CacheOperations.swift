import HTTPClient
/// Rules shared by refresh and preload: 1–1,000 URLs per call, each a plausible http(s) URL
/// with no line breaks (they separate URLs on the wire).
enum ObjectPaths {
    static let maxPerRequest = 1000

    static func validated(_ paths: [String], builder: ParameterBuilder) throws(RequestValidationError) -> String {
        guard !paths.isEmpty else { throw builder.fail("ObjectPath needs at least one URL") }
        guard paths.count <= maxPerRequest else {
            throw builder.fail("at most \(maxPerRequest) URLs per request, got \(paths.count); split the list")
        }
        for path in paths where path.isEmpty || path.contains("\n") || path.contains("\r") {
            throw builder.fail("an ObjectPath entry is empty or contains a line break")
        }
        return paths.joined(separator: "\n")
    }
}

/// Purges cached content (URLs or directories) from the CDN. Consumes daily quota.
public struct RefreshVodObjectCaches: VODOperation {
    public static let action = "RefreshVodObjectCaches"

    /// What `ObjectPath` names.
    public enum ObjectType: String, Sendable, CaseIterable {
        case file = "File"
        case directory = "Directory"
        case regex = "Regex"
        case ignoreParams = "IgnoreParams"
    }

    public var objectPaths: [String]
    public var objectType: ObjectType?
    /// Purge everything under a directory, not only changed resources.
    public var force: Bool?

    public init(objectPaths: [String], objectType: ObjectType? = nil, force: Bool? = nil) {
        self.objectPaths = objectPaths
        self.objectType = objectType
        self.force = force
    }

    public var method: HTTPMethod { .post }
    public var consumesQuota: Bool { true }
    public var placement: RPCRequest.ParameterPlacement { .formBody }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        var builder = ParameterBuilder(action: Self.action)
        builder.set("ObjectPath", try ObjectPaths.validated(objectPaths, builder: builder))
        builder.set("ObjectType", objectType?.rawValue)
        builder.set("Force", force)
        return builder.parameters
    }

    /// The task ids (the API joins several with commas).
    public struct Response: Sendable, Equatable {
        public var requestId: String
        public var taskIds: [String]
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        Response(requestId: try body.optionalString("RequestId") ?? "", taskIds: splitIds(try body.string("RefreshTaskId")))
    }
}

/// Warms the CDN with URLs before users ask for them. Consumes daily quota.
public struct PreloadVodObjectCaches: VODOperation {
    public static let action = "PreloadVodObjectCaches"

    /// Where to preload.
    public enum Area: String, Sendable, CaseIterable {
        case domestic
        case overseas
    }

    public var objectPaths: [String]
    public var area: Area?
    /// Force the L2 layer to be included.
    public var l2Preload: Bool?
    /// Extra headers for the prefetch requests, as a JSON object text.
    public var withHeader: String?

    public init(objectPaths: [String], area: Area? = nil, l2Preload: Bool? = nil, withHeader: String? = nil) {
        self.objectPaths = objectPaths
        self.area = area
        self.l2Preload = l2Preload
        self.withHeader = withHeader
    }

    public var method: HTTPMethod { .post }
    public var consumesQuota: Bool { true }
    public var placement: RPCRequest.ParameterPlacement { .formBody }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        var builder = ParameterBuilder(action: Self.action)
        builder.set("ObjectPath", try ObjectPaths.validated(objectPaths, builder: builder))
        builder.set("Area", area?.rawValue)
        builder.set("L2Preload", l2Preload)
        if let withHeader {
            guard case .object? = try? JSONValue.parse(Array(withHeader.utf8)) else {
                throw builder.fail("WithHeader must be a JSON object such as {\"Origin\":\"example.com\"}")
            }
            builder.set("WithHeader", withHeader)
        }
        return builder.parameters
    }

    /// The task ids (the API joins several with commas).
    public struct Response: Sendable, Equatable {
        public var requestId: String
        public var taskIds: [String]
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        Response(requestId: try body.optionalString("RequestId") ?? "", taskIds: splitIds(try body.string("PreloadTaskId")))
    }
}

/// Splits a comma-joined id list, dropping blanks.
func splitIds(_ text: String) -> [String] {
    text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
}
