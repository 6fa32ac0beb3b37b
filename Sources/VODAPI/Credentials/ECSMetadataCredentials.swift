import HTTPClient
/// Fetches the ECS instance's RAM role credentials from the instance metadata service:
/// an IMDSv2 session token first (`PUT /latest/api/token`), falling back to v1 unless that is
/// disabled, then the role name and the role's credentials.
public struct ECSMetadataCredentials: Sendable {
    /// The metadata service every ECS instance reaches.
    public static let defaultEndpoint = try! Endpoint(parsing: "http://100.100.100.200", allowInsecureHTTP: true)

    public let endpoint: Endpoint
    /// The role name; looked up from the metadata service when nil.
    public let roleName: String?
    /// Refuse the token-less v1 protocol when the v2 token cannot be had.
    public let disableIMDSv1: Bool
    private let transport: any HTTPTransport
    private let timeout: Double

    public init(endpoint: Endpoint = ECSMetadataCredentials.defaultEndpoint, roleName: String?, disableIMDSv1: Bool, transport: any HTTPTransport, timeout: Double = 1) {
        self.endpoint = endpoint
        self.roleName = roleName
        self.disableIMDSv1 = disableIMDSv1
        self.transport = transport
        self.timeout = timeout
    }

    private var source: String { "ECS RAM role via \(endpoint)" }

    /// Fresh role credentials.
    public func fetch() async throws -> Credentials {
        var headers = HTTPHeaders()
        if let token = try await sessionToken() {
            headers.set("X-aliyun-ecs-metadata-token", token)
        }
        var role = roleName ?? ""
        if role.isEmpty {
            let answer = try await get("/latest/meta-data/ram/security-credentials/", headers: headers)
            role = String(decoding: answer, as: UTF8.self).trimmingWhitespace()
            guard !role.isEmpty, !role.contains("\n") else {
                throw CredentialsError(source: source, problem: "the instance has no RAM role attached")
            }
        }
        let body = try await get("/latest/meta-data/ram/security-credentials/\(PercentEncoding.encode(role))", headers: headers)
        guard let value = try? JSONValue.parse(body) else {
            throw CredentialsError(source: source, problem: "the credentials answer is not JSON")
        }
        return try TemporaryCredentialsDecoder.decode(JSONCursor(value), source: source, requireSuccessCode: true)
    }

    private func sessionToken() async throws -> String? {
        let request = HTTPRequest(
            method: .put, url: endpoint.url(path: "/latest/api/token", encodedQuery: ""),
            headers: HTTPHeaders([("X-aliyun-ecs-metadata-token-ttl-seconds", "21600")]))
        let response = try? await transport.send(request, timeout: timeout)
        if let response, response.status == 200, !response.body.isEmpty {
            return String(decoding: response.body, as: UTF8.self).trimmingWhitespace()
        }
        if disableIMDSv1 {
            throw CredentialsError(source: source, problem: "no IMDSv2 token and IMDSv1 is disabled (ALIBABA_CLOUD_IMDSV1_DISABLED)")
        }
        return nil
    }

    private func get(_ path: String, headers: HTTPHeaders) async throws -> [UInt8] {
        let request = HTTPRequest(method: .get, url: endpoint.url(path: path, encodedQuery: ""), headers: headers)
        let response: TransportResponse
        do {
            response = try await transport.send(request, timeout: timeout)
        } catch {
            throw CredentialsError(source: source, problem: "the metadata service did not answer (\(error.kind.rawValue)); is this an ECS instance?")
        }
        guard response.status == 200 else {
            throw CredentialsError(source: source, problem: "the metadata service answered HTTP \(response.status) for \(path)")
        }
        return response.body
    }
}

/// Fetches credentials from `ALIBABA_CLOUD_CREDENTIALS_URI`: a GET whose JSON answer has
/// `Code: Success` and the temporary key fields.
public struct CredentialsURIFetcher: Sendable {
    public let uri: String
    private let transport: any HTTPTransport
    private let timeout: Double

    public init(uri: String, transport: any HTTPTransport, timeout: Double = 5) {
        self.uri = uri
        self.transport = transport
        self.timeout = timeout
    }

    /// Fresh credentials.
    public func fetch() async throws -> Credentials {
        let source = "credentials URI"
        let response: TransportResponse
        do {
            response = try await transport.send(HTTPRequest(method: .get, url: uri), timeout: timeout)
        } catch {
            throw CredentialsError(source: source, problem: "the URI did not answer (\(error.kind.rawValue))")
        }
        let body = try TemporaryCredentialsDecoder.parseBody(response, source: source)
        return try TemporaryCredentialsDecoder.decode(body, source: source, requireSuccessCode: true)
    }
}
