import HTTPClient
import Primitives
/// An RPC-style API call before signing: the operation, its business parameters and how they
/// travel. Signing turns it into an ``HTTPRequest``.
public struct RPCRequest: Sendable, Equatable {
    /// Where business parameters go. Alibaba accepts either; the SDKs use the query string.
    public enum ParameterPlacement: Sendable, Equatable {
        /// In the URL query string, even for POST (what the official SDKs do).
        case query
        /// In an `application/x-www-form-urlencoded` body.
        case formBody
    }

    /// The operation name, e.g. `DescribeVodDomainTrafficData`.
    public var action: String
    /// The API version, e.g. `2017-03-21` for VOD.
    public var version: String
    public var method: HTTPMethod
    /// Business parameters; absent values are simply not in the dictionary.
    public var parameters: [String: String]
    public var placement: ParameterPlacement

    public init(
        action: String, version: String, method: HTTPMethod = .get, parameters: [String: String] = [:],
        placement: ParameterPlacement = .query
    ) {
        self.action = action
        self.version = version
        self.method = method
        self.parameters = parameters
        self.placement = placement
    }
}

/// Which Alibaba Cloud signature algorithm signs requests.
public enum SignatureVersion: String, Sendable, CaseIterable {
    /// `ACS3-HMAC-SHA256`, the current default of the official SDKs.
    case v3
    /// RPC HMAC-SHA1 (`SignatureVersion=1.0`), still accepted everywhere.
    case v2
}
