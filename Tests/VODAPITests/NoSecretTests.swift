import HTTPClient
import Testing
@testable import VODAPI

/// Drives every error path with known secrets and searches everything a user could see.
@Suite("No secret in any error, description or dump")
struct NoSecretTests {
    static let secret = "KnownSecret-7f3a9c"
    static let token = "KnownToken+CAIS/abc=="
    static let oidcToken = "eyJKnownOIDCToken.payload.sig"
    static let key = Credentials(accessKeyId: "STS.KnownKeyId", accessKeySecret: secret, securityToken: token, expiration: 1_714_600_000)

    /// Everything a message could be rendered as.
    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return ["\(value)", String(reflecting: value), dumped]
    }

    static func assertClean(_ value: Any, _ context: String) {
        for text in renderings(value) {
            for needle in [secret, token, PercentEncoding.encode(token), oidcToken] {
                #expect(!text.contains(needle), "\(context) leaks a secret: \(text)")
            }
        }
    }

    func client(_ transport: FakeTransport, version: SignatureVersion) -> VODClient {
        VODClient(
            configuration: VODClientConfiguration(signatureVersion: version, retryPolicy: .none),
            credentials: StaticCredentialsProvider(Self.key, sourceDescription: "test"), transport: transport,
            gate: RequestGate(maxQPS: 100, burst: 100, maxConcurrent: 2), time: ManualTime(), nonce: { "n" })
    }

    @Test("client errors on every path, for both signature versions")
    func clientErrors() async {
        let echo = "echo \(Self.secret) and \(Self.token) and \(PercentEncoding.encode(Self.token))"
        let bodies: [TransportResponse?] = [
            FakeTransport.json(#"{"Code":"SignatureDoesNotMatch","Message":"mismatch. server string to sign is:GET&%2F&SecurityToken%3D\#(PercentEncoding.encode(Self.token))"}"#, status: 400),
            FakeTransport.json(#"{"Code":"InvalidSecurityToken.Malformed","Message":"\#(echo)"}"#, status: 400),
            TransportResponse(status: 500, body: Array("<Error><Code>InternalError</Code><Message>\(echo)</Message></Error>".utf8)),
            nil,  // a timeout
            FakeTransport.json(#"{"RequestId":"x","UrlQuota":"\#(Self.secret)"}"#),
            TransportResponse(status: 200, body: Array("not json \(Self.secret)".utf8)),
        ]
        for version in SignatureVersion.allCases {
            for (index, body) in bodies.enumerated() {
                let transport = FakeTransport { _, _ throws(TransportError) in
                    guard let body else { throw TransportError(kind: .timedOut, detail: "slow") }
                    return body
                }
                do {
                    _ = try await client(transport, version: version).call(DescribeVodRefreshQuota())
                    Issue.record("case \(index) should fail")
                } catch {
                    Self.assertClean(error, "\(version) case \(index)")
                }
            }
        }
    }

    @Test("credential fetch errors: STS, metadata service, credentials URI, OIDC token file")
    func credentialErrors() async throws {
        let leaky = FakeTransport { _, _ in
            FakeTransport.json(#"{"Code":"InvalidParameter","Message":"bad token \#(Self.oidcToken) \#(Self.secret)","AccessKeySecret":"\#(Self.secret)"}"#, status: 400)
        }
        let sts = STSClient(endpoint: try Endpoint(parsing: "http://127.0.0.1:1"), transport: leaky, nonce: { "n" })
        let session = STSClient.RoleSession(roleArn: "acs:ram::1:role/r", sessionName: "s")
        do {
            _ = try await sts.assumeRoleWithOIDC(session, providerArn: "p", oidcToken: Self.oidcToken)
            Issue.record("should fail")
        } catch {
            // The server echoed the OIDC token it was sent; the error text must not carry it.
            for text in Self.renderings(error) {
                #expect(!text.contains(Self.oidcToken), "\(text)")
            }
        }
        do {
            _ = try await sts.assumeRole(session, with: Self.key)
            Issue.record("should fail")
        } catch {
            for text in Self.renderings(error) { #expect(!text.contains(Self.secret) && !text.contains(Self.token)) }
        }
        let halfGood = FakeTransport { _, _ in
            FakeTransport.json(#"{"Code":"Failure","AccessKeyId":"a","AccessKeySecret":"\#(Self.secret)","SecurityToken":"\#(Self.token)"}"#)
        }
        let ecs = ECSMetadataCredentials(endpoint: try Endpoint(parsing: "http://127.0.0.1:1"), roleName: "r", disableIMDSv1: false, transport: halfGood)
        do {
            _ = try await ecs.fetch()
            Issue.record("should fail")
        } catch {
            Self.assertClean(error, "metadata")
        }
        do {
            _ = try await CredentialsURIFetcher(uri: "http://127.0.0.1:1/c", transport: halfGood).fetch()
            Issue.record("should fail")
        } catch {
            Self.assertClean(error, "uri")
        }
        let factory = CredentialsProviderFactory(transport: leaky, files: MemoryFiles(files: [:]), nonce: { "n" })
        let oidc = try factory.makeProvider(
            .oidc(session: session, providerArn: "p", tokenFile: "/missing", stsRegion: nil, vpc: false), origin: "oidc")
        do {
            _ = try await oidc.credentials()
            Issue.record("should fail")
        } catch {
            Self.assertClean(error, "oidc token file")
        }
    }

    @Test("configuration and source values render redacted")
    func sources() throws {
        Self.assertClean(Self.key, "credentials")
        let source = CredentialSource.staticKey(Self.key)
        Self.assertClean(source, "source")
        let config = #"{"current":"p","profiles":[{"name":"p","mode":"StsToken","access_key_id":"id","access_key_secret":"\#(Self.secret)"}]}"#
        do {
            _ = try CLIConfigFile.source(fromJSON: config, profileName: nil, path: "c", now: 0)
            Issue.record("missing sts_token should fail")
        } catch {
            Self.assertClean(error, "config error")
        }
    }
}
