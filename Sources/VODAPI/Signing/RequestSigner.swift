import Crypto
import HTTPClient
import Primitives
/// Turns an ``RPCRequest`` into a signed ``HTTPRequest`` for one endpoint and signature
/// version. Pure: the time and the nonce are arguments, so the same inputs always give the
/// same bytes.
public struct RequestSigner: Sendable {
    public var version: SignatureVersion
    public var endpoint: Endpoint
    /// Sent (unsigned) as `User-Agent`.
    public var userAgent: String

    public init(version: SignatureVersion = .v3, endpoint: Endpoint, userAgent: String = "vodcdn-exporter") {
        self.version = version
        self.endpoint = endpoint
        self.userAgent = userAgent
    }

    /// Signs `request` with `credentials` at `epochSeconds` with a unique `nonce`.
    ///
    /// STS tokens travel as the signed `SecurityToken` parameter in V2 and the signed
    /// `x-acs-security-token` header in V3.
    public func sign(_ request: RPCRequest, credentials: Credentials, epochSeconds: Int64, nonce: String) -> HTTPRequest {
        let timestamp = UTCTimestamp.format(epochSeconds)
        switch version {
        case .v2: return signV2(request, credentials: credentials, timestamp: timestamp, nonce: nonce)
        case .v3: return signV3(request, credentials: credentials, timestamp: timestamp, nonce: nonce)
        }
    }

    private func signV2(_ request: RPCRequest, credentials: Credentials, timestamp: String, nonce: String) -> HTTPRequest {
        let parameters = SignatureV2.signedParameters(
            for: request, credentials: credentials, timestamp: timestamp, nonce: nonce)
        let signature = SignatureV2.signature(
            stringToSign: SignatureV2.stringToSign(method: request.method, parameters: parameters),
            secret: credentials.accessKeySecret)
        let encoded = PercentEncoding.canonicalQuery(parameters) + "&Signature=" + PercentEncoding.encode(signature)
        var headers = HTTPHeaders([("Accept", "application/json"), ("User-Agent", userAgent)])
        switch request.placement {
        case .query:
            return HTTPRequest(method: request.method, url: endpoint.url(encodedQuery: encoded), headers: headers)
        case .formBody:
            headers.set("Content-Type", "application/x-www-form-urlencoded")
            return HTTPRequest(
                method: request.method, url: endpoint.url(encodedQuery: ""), headers: headers, body: Array(encoded.utf8))
        }
    }

    private func signV3(_ request: RPCRequest, credentials: Credentials, timestamp: String, nonce: String) -> HTTPRequest {
        var query: [String: String] = [:]
        var body: [UInt8] = []
        var signed: [(name: String, value: String)] = []
        switch request.placement {
        case .query:
            query = request.parameters
        case .formBody:
            body = Array(PercentEncoding.canonicalQuery(request.parameters).utf8)
            signed.append(("content-type", "application/x-www-form-urlencoded"))
        }
        let payloadHash = body.isEmpty ? SignatureV3.emptyPayloadHash : Hex.lowercase(SHA256.hash(body))
        signed += [
            ("host", endpoint.hostHeader),
            ("x-acs-action", request.action),
            ("x-acs-version", request.version),
            ("x-acs-date", timestamp),
            ("x-acs-signature-nonce", nonce),
            ("x-acs-content-sha256", payloadHash),
        ]
        if let token = credentials.securityToken {
            signed.append(("x-acs-security-token", token))
        }
        let canonical = SignatureV3.canonicalRequest(
            method: request.method, query: query, headers: signed, hashedPayload: payloadHash)
        let signature = SignatureV3.signature(canonicalRequest: canonical.request, secret: credentials.accessKeySecret)
        var headers = HTTPHeaders(signed.filter { $0.name != "host" })
        headers.set(
            "Authorization",
            SignatureV3.authorization(
                accessKeyId: credentials.accessKeyId, signedHeaders: canonical.signedHeaders, signature: signature))
        headers.set("Accept", "application/json")
        headers.set("User-Agent", userAgent)
        return HTTPRequest(
            method: request.method, url: endpoint.url(encodedQuery: PercentEncoding.canonicalQuery(query)),
            headers: headers, body: body)
    }
}
