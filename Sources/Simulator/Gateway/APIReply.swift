import VODAPI

/// An answer of the simulated API: status, JSON object, extra headers.
public struct APIReply: Sendable {
    public var status: Int
    public var body: [String: JSONValue]
    public var headers: [(String, String)] = []

    public init(status: Int = 200, body: [String: JSONValue], headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// The error envelope the gateway sends: RequestId, HostId, Code, Message, Recommend.
    public static func error(_ status: Int, _ code: String, _ message: String, requestId: String, headers: [(String, String)] = []) -> APIReply {
        APIReply(status: status, body: [
            "RequestId": .string(requestId), "HostId": "vod.cn-shanghai.aliyuncs.com", "Code": .string(code), "Message": .string(message),
            "Recommend": .string("https://api.aliyun.com/troubleshoot?q=\(code)&product=vod&requestId=\(requestId)"),
        ], headers: headers)
    }

    /// A refused request, as a value to throw from operation handlers.
    public struct Refusal: Error {
        public let status: Int
        public let code: String
        public let message: String

        public init(_ status: Int = 400, _ code: String, _ message: String) {
            self.status = status
            self.code = code
            self.message = message
        }
    }

    /// Compact JSON with sorted keys.
    public func encoded() -> [UInt8] {
        Array(JSONValue.object(body).serialized().utf8)
    }
}
