import HTTPClient
import Primitives
/// Calls the Security Token Service for temporary credentials: `AssumeRole` (signed with a
/// long-lived key) and `AssumeRoleWithOIDC` (anonymous, with a Kubernetes service-account
/// token for RRSA).
public struct STSClient: Sendable {
    public static let version = "2015-04-01"

    public let endpoint: Endpoint
    private let transport: any HTTPTransport
    private let time: any TimeSource
    private let nonce: @Sendable () throws(SystemRandom.Unavailable) -> String
    private let timeout: Double

    public init(
        endpoint: Endpoint, transport: any HTTPTransport, time: any TimeSource = SystemTimeSource(),
        timeout: Double = 10, nonce: @escaping @Sendable () throws(SystemRandom.Unavailable) -> String = NonceSource.system.next
    ) {
        self.endpoint = endpoint
        self.transport = transport
        self.time = time
        self.timeout = timeout
        self.nonce = nonce
    }

    /// The STS endpoint the official SDKs use: `sts.aliyuncs.com`, or regional
    /// `sts[-vpc].<region>.aliyuncs.com`.
    public static func defaultEndpoint(region: String?, vpc: Bool) throws(EndpointError) -> Endpoint {
        guard let region, !region.isEmpty else { return try Endpoint(parsing: "https://sts.aliyuncs.com") }
        return try Endpoint(parsing: "https://\(vpc ? "sts-vpc" : "sts").\(region).aliyuncs.com")
    }

    /// A role session: what both assume calls take.
    public struct RoleSession: Sendable, Equatable {
        public var roleArn: String
        public var sessionName: String
        public var durationSeconds: Int
        public var policy: String?
        public var externalId: String?

        public init(roleArn: String, sessionName: String, durationSeconds: Int = 3600, policy: String? = nil, externalId: String? = nil) {
            self.roleArn = roleArn
            self.sessionName = sessionName
            self.durationSeconds = durationSeconds
            self.policy = policy
            self.externalId = externalId
        }

        var parameters: [String: String] {
            var parameters = [
                "RoleArn": roleArn, "RoleSessionName": sessionName, "DurationSeconds": String(durationSeconds),
            ]
            parameters["Policy"] = policy
            parameters["ExternalId"] = externalId
            return parameters
        }
    }

    /// `AssumeRole` signed with `source`.
    public func assumeRole(_ session: RoleSession, with source: Credentials) async throws -> Credentials {
        let request = RPCRequest(
            action: "AssumeRole", version: Self.version, method: .post, parameters: session.parameters, placement: .formBody)
        let signer = RequestSigner(version: .v2, endpoint: endpoint)
        let signature: String
        do throws(SystemRandom.Unavailable) {
            signature = try nonce()
        } catch {
            throw CredentialsError(source: "STS AssumeRole for \(session.roleArn)", problem: "not signed: \(error.description)")
        }
        let signed = signer.sign(request, credentials: source, epochSeconds: Int64(time.now()), nonce: signature)
        return try await exchange(signed, source: "STS AssumeRole for \(session.roleArn)", sentSecrets: [source.accessKeySecret, source.securityToken ?? ""])
    }

    /// `AssumeRoleWithOIDC`: anonymous; the OIDC token travels in a form body so it stays out
    /// of URLs.
    public func assumeRoleWithOIDC(_ session: RoleSession, providerArn: String, oidcToken: String) async throws -> Credentials {
        let common = [
            "Action": "AssumeRoleWithOIDC", "Version": Self.version, "Format": "JSON",
            "Timestamp": UTCTimestamp.format(Int64(time.now())),
        ]
        var form = session.parameters
        form["OIDCProviderArn"] = providerArn
        form["OIDCToken"] = oidcToken
        let request = HTTPRequest(
            method: .post, url: endpoint.url(encodedQuery: PercentEncoding.canonicalQuery(common)),
            headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]),
            body: Array(PercentEncoding.canonicalQuery(form).utf8))
        return try await exchange(request, source: "STS AssumeRoleWithOIDC for \(session.roleArn)", sentSecrets: [oidcToken])
    }

    private func exchange(_ request: HTTPRequest, source: String, sentSecrets: [String]) async throws -> Credentials {
        let response: TransportResponse
        do {
            response = try await transport.send(request, timeout: timeout)
        } catch {
            throw CredentialsError(source: source, problem: "\(endpoint) did not answer (\(error.kind.rawValue))")
        }
        let body = try TemporaryCredentialsDecoder.parseBody(response, source: source, sentSecrets: sentSecrets)
        guard let credentials = try? body.object("Credentials") else {
            throw CredentialsError(source: source, problem: "the answer has no Credentials object")
        }
        return try TemporaryCredentialsDecoder.decode(credentials, source: source, requireSuccessCode: false)
    }
}
