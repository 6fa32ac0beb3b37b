import Crypto
import HTTPClient
import Primitives
import Testing
@testable import VODAPI

/// Every vector of the API reference (§6.4 V2-A…E, §7.3 V3-A…F).
@Suite("Signature V2 and V3 vectors")
struct SignatureTests {
    static let testKey = Credentials(accessKeyId: "testid", accessKeySecret: "testsecret")
    static let nonce = "c2f6a7a3-5d2e-4b7e-9a51-0f0d1e2c3b4a"
    static let noon = UTCTimestamp.parse("2024-05-01T12:00:00Z")!
    static let endpoint = try! Endpoint(parsing: "https://vod.cn-shanghai.aliyuncs.com")
    static let trafficParameters = [
        "DomainName": "a.example.com,b.example.com", "StartTime": "2024-05-01T10:00:00Z",
        "EndTime": "2024-05-01T11:00:00Z", "Interval": "300",
    ]

    /// The query parameter `name` of a signed URL, decoded.
    static func queryValue(_ url: String, _ name: String) -> String? {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        return PercentEncoding.parsePairs(String(query), plusAsSpace: false)?.first { $0.key == name }?.value
    }

    @Test("V2-A: Alibaba's documented example")
    func v2A() {
        let parameters = [
            "AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
            "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26",
        ]
        let stringToSign = SignatureV2.stringToSign(method: .get, parameters: parameters)
        #expect(stringToSign == "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26")
        let signature = SignatureV2.signature(stringToSign: stringToSign, secret: "testsecret")
        #expect(signature == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
        #expect(PercentEncoding.encode(signature) == "OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D")
    }

    /// Signs with the vectors' fixed key, clock and nonce.
    func sign(_ version: SignatureVersion, _ action: String, _ parameters: [String: String], method: HTTPMethod,
              placement: RPCRequest.ParameterPlacement = .query, credentials: Credentials = testKey) -> HTTPRequest {
        let signer = RequestSigner(version: version, endpoint: Self.endpoint)
        let request = RPCRequest(action: action, version: "2017-03-21", method: method, parameters: parameters, placement: placement)
        return signer.sign(request, credentials: credentials, epochSeconds: Self.noon, nonce: Self.nonce)
    }

    func signV2(_ action: String, _ parameters: [String: String], method: HTTPMethod = .get,
                placement: RPCRequest.ParameterPlacement = .query, credentials: Credentials = testKey) -> HTTPRequest {
        sign(.v2, action, parameters, method: method, placement: placement, credentials: credentials)
    }

    @Test("V2-B: GET DescribeVodDomainTrafficData, full URL")
    func v2B() {
        let signed = signV2("DescribeVodDomainTrafficData", Self.trafficParameters)
        let cqs = "AccessKeyId=testid&Action=DescribeVodDomainTrafficData&DomainName=a.example.com%2Cb.example.com&EndTime=2024-05-01T11%3A00%3A00Z&Format=JSON&Interval=300&SignatureMethod=HMAC-SHA1&SignatureNonce=c2f6a7a3-5d2e-4b7e-9a51-0f0d1e2c3b4a&SignatureVersion=1.0&StartTime=2024-05-01T10%3A00%3A00Z&Timestamp=2024-05-01T12%3A00%3A00Z&Version=2017-03-21"
        #expect(signed.url == "https://vod.cn-shanghai.aliyuncs.com/?\(cqs)&Signature=Uq8k2v2%2FUfGJBsPlr1rr9jkfAZ8%3D")
        #expect(signed.method == .get)
        #expect(signed.body.isEmpty)
    }

    @Test("V2-C: the same parameters with POST, as query and as form body")
    func v2C() {
        let query = signV2("DescribeVodDomainTrafficData", Self.trafficParameters, method: .post)
        #expect(Self.queryValue(query.url, "Signature") == "i0hMayeAJT185uMkjxtqfAtRYpg=")
        let form = signV2("DescribeVodDomainTrafficData", Self.trafficParameters, method: .post, placement: .formBody)
        #expect(form.url == "https://vod.cn-shanghai.aliyuncs.com/")
        #expect(String(decoding: form.body, as: UTF8.self).hasSuffix("&Signature=i0hMayeAJT185uMkjxtqfAtRYpg%3D"))
        #expect(form.headers["content-type"] == "application/x-www-form-urlencoded")
    }

    @Test("V2-D: STS token travels as the signed SecurityToken parameter")
    func v2D() {
        let sts = Credentials(accessKeyId: "testid", accessKeySecret: "testsecret", securityToken: "CAIS+token/with=special+chars")
        let signed = signV2("DescribeVodDomainBpsData", [
            "DomainName": "vod.example.com", "StartTime": "2024-05-01T10:00:00Z", "EndTime": "2024-05-01T11:00:00Z",
        ], credentials: sts)
        #expect(signed.url.contains("SecurityToken=CAIS%2Btoken%2Fwith%3Dspecial%2Bchars"))
        #expect(Self.queryValue(signed.url, "Signature") == "dznfvs9j3BJ/4k/QYsNs3OJc5a8=")
        #expect(signed.headers["x-acs-security-token"] == nil)
    }

    @Test("V2-E: encoding edge cases in ObjectPath")
    func v2E() {
        let paths = "https://vod.example.com/a b*c~d.mp4\nhttps://vod.example.com/视频.m3u8"
        let signed = signV2("RefreshVodObjectCaches", ["ObjectType": "File", "ObjectPath": paths], method: .post)
        #expect(signed.url.contains("ObjectPath=https%3A%2F%2Fvod.example.com%2Fa%20b%2Ac~d.mp4%0Ahttps%3A%2F%2Fvod.example.com%2F%E8%A7%86%E9%A2%91.m3u8"))
        #expect(Self.queryValue(signed.url, "Signature") == "PtMVzyk0PLNezSvBBG0dKBzTt1Y=")
    }

    @Test("V3-A: Alibaba's documented example")
    func v3A() {
        let canonical = SignatureV3.canonicalRequest(
            method: .post,
            query: ["ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", "RegionId": "cn-shanghai"],
            headers: [
                ("host", "ecs.cn-shanghai.aliyuncs.com"), ("x-acs-action", "RunInstances"),
                ("x-acs-version", "2014-05-26"), ("x-acs-date", "2023-10-26T10:22:32Z"),
                ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
                ("x-acs-content-sha256", SignatureV3.emptyPayloadHash),
            ],
            hashedPayload: SignatureV3.emptyPayloadHash)
        #expect(canonical.signedHeaders == "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version")
        #expect(Hex.lowercase(SHA256.hash(canonical.request)) == "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259")
        #expect(SignatureV3.signature(canonicalRequest: canonical.request, secret: "YourAccessKeySecret")
            == "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0")
    }

    func signV3(_ action: String, _ parameters: [String: String], method: HTTPMethod = .post,
                placement: RPCRequest.ParameterPlacement = .query, credentials: Credentials = testKey) -> HTTPRequest {
        sign(.v3, action, parameters, method: method, placement: placement, credentials: credentials)
    }

    @Test("V3-B: POST DescribeVodDomainTrafficData with query parameters")
    func v3B() {
        let signed = signV3("DescribeVodDomainTrafficData", Self.trafficParameters)
        #expect(signed.url == "https://vod.cn-shanghai.aliyuncs.com/?DomainName=a.example.com%2Cb.example.com&EndTime=2024-05-01T11%3A00%3A00Z&Interval=300&StartTime=2024-05-01T10%3A00%3A00Z")
        #expect(signed.headers["Authorization"] == "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=b8d136cb803da82121b11ac818d3e6a91d777e52c1d5b54b07db1e24a1b96533")
        #expect(signed.headers["x-acs-content-sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(signed.headers["x-acs-date"] == "2024-05-01T12:00:00Z")
    }

    @Test("V3-C: STS token in the signed x-acs-security-token header")
    func v3C() {
        let sts = Credentials(accessKeyId: "testid", accessKeySecret: "testsecret", securityToken: "CAIS+token/with=special+chars")
        let signed = signV3("DescribeVodDomainTrafficData", Self.trafficParameters, credentials: sts)
        #expect(signed.headers["x-acs-security-token"] == "CAIS+token/with=special+chars")
        #expect(signed.headers["Authorization"]?.contains("SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,") == true)
        #expect(signed.headers["Authorization"]?.hasSuffix("Signature=06ed301b4080d8f7b7d3e22bbd738071742321523b386fa17494100bfebb9082") == true)
        #expect(!signed.url.contains("SecurityToken"))
    }

    @Test("V3-D: GET DescribeVodDomainRealTimeBpsData")
    func v3D() {
        let signed = signV3("DescribeVodDomainRealTimeBpsData", [
            "DomainName": "vod.example.com", "StartTime": "2024-05-01T11:50:00Z", "EndTime": "2024-05-01T11:55:00Z",
        ], method: .get)
        #expect(signed.headers["Authorization"]?.hasSuffix("Signature=37d74ecc39f9edd4773013ce2a2bba882bcaf1d3294db9923cb9adcebed4e3b7") == true)
    }

    @Test("V3-E: the exact request the official SDK emits, extra signed headers included")
    func v3E() {
        let payload = SignatureV3.emptyPayloadHash
        let canonical = SignatureV3.canonicalRequest(
            method: .post, query: Self.trafficParameters,
            headers: [
                ("accept", "application/json"), ("host", "vod.cn-shanghai.aliyuncs.com"), ("user-agent", "test-agent"),
                ("x-acs-action", "DescribeVodDomainTrafficData"), ("x-acs-content-sha256", payload),
                ("x-acs-credentials-provider", "static_ak"), ("x-acs-date", "2024-05-01T12:00:00Z"),
                ("x-acs-signature-nonce", Self.nonce), ("x-acs-version", "2017-03-21"),
            ],
            hashedPayload: payload)
        #expect(canonical.signedHeaders == "accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version")
        #expect(SignatureV3.signature(canonicalRequest: canonical.request, secret: "testsecret")
            == "f23424874919817aec8fb72ed6281861cd8065798f24fb7b863a7c70a44bbcfc")
    }

    @Test("V3-F: form-body variant hashes the payload")
    func v3F() {
        let signed = signV3("RefreshVodObjectCaches", [
            "ObjectPath": "https://vod.example.com/a.mp4\nhttps://vod.example.com/b.mp4", "ObjectType": "File",
        ], placement: .formBody)
        #expect(String(decoding: signed.body, as: UTF8.self) == "ObjectPath=https%3A%2F%2Fvod.example.com%2Fa.mp4%0Ahttps%3A%2F%2Fvod.example.com%2Fb.mp4&ObjectType=File")
        #expect(signed.headers["x-acs-content-sha256"] == "14ac2173314dcadd77e0b339e11af981e27a80cfb30740e09b0bf8b29d9a4f0c")
        #expect(signed.headers["Authorization"]?.hasSuffix("Signature=0c3c9d7cb959e1e603f785f216b8ce1f1410ec79b291798322758e8db9d3b38b") == true)
        #expect(signed.url == "https://vod.cn-shanghai.aliyuncs.com/")
    }

    @Test("a fresh nonce changes the signature; the same inputs give the same bytes")
    func deterministic() {
        let signer = RequestSigner(version: .v3, endpoint: Self.endpoint)
        let request = RPCRequest(action: "DescribeVodRefreshQuota", version: "2017-03-21")
        let a = signer.sign(request, credentials: Self.testKey, epochSeconds: Self.noon, nonce: "n1")
        let b = signer.sign(request, credentials: Self.testKey, epochSeconds: Self.noon, nonce: "n1")
        let c = signer.sign(request, credentials: Self.testKey, epochSeconds: Self.noon, nonce: "n2")
        #expect(a == b)
        #expect(a.headers["Authorization"] != c.headers["Authorization"])
    }

    @Test("endpoints: https by default, http only for loopback, default ports dropped")
    func endpoints() throws {
        #expect(throws: EndpointError.self) { try Endpoint(parsing: "http://vod.cn-shanghai.aliyuncs.com") }
        #expect(throws: EndpointError.self) { try Endpoint(parsing: "ftp://x") }
        #expect(throws: EndpointError.self) { try Endpoint(parsing: "https://") }
        #expect(throws: EndpointError.self) { try Endpoint(parsing: "https://host/path") }
        #expect(throws: EndpointError.self) { try Endpoint(parsing: "https://host:70000") }
        #expect(try Endpoint(parsing: "http://127.0.0.1:8080").hostHeader == "127.0.0.1:8080")
        #expect(try Endpoint(parsing: "https://vod.cn-shanghai.aliyuncs.com:443/").hostHeader == "vod.cn-shanghai.aliyuncs.com")
        #expect(try Endpoint(parsing: "http://internal.example", allowInsecureHTTP: true).scheme == "http")
    }

    @Test("an endpoint with user info is refused without echoing it")
    func endpointUserInfoIsNeverEchoed() {
        for text in ["https://AKID:s3cretValue@vod.cn-shanghai.aliyuncs.com", "https://s3cretValue@host/path", "s3cretValue@host", "http://a:s3cretValue@127.0.0.1:9"] {
            do {
                _ = try Endpoint(parsing: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(!error.description.contains("s3cretValue") && error.description.contains("<user info>"), "\(error.description)")
            }
        }
        #expect(Endpoint.withoutUserInfo("https://u:p@host:8/x@y") == "https://<user info>@host:8/x@y")
        #expect(Endpoint.withoutUserInfo("https://host/a@b") == "https://host/a@b")
    }
}

@Suite("The verifier accepts what the signer signs and nothing else")
struct SignatureVerifierTests {
    static let secrets = ["testid": "testsecret"]

    /// A signed request as the server receives it.
    static func received(_ signed: HTTPRequest) -> SignatureVerifier.Received {
        let query = signed.url.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        var headers = Dictionary(signed.headers.fields.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        headers["host"] = headers["host"] ?? "vod.cn-shanghai.aliyuncs.com"
        return SignatureVerifier.Received(method: signed.method, query: query, headers: headers, body: signed.body)
    }

    static func sign(_ version: SignatureVersion, method: HTTPMethod, placement: RPCRequest.ParameterPlacement,
                     credentials: Credentials = Credentials(accessKeyId: "testid", accessKeySecret: "testsecret")) -> HTTPRequest {
        let request = RPCRequest(action: "RefreshVodObjectCaches", version: "2017-03-21", method: method,
                                 parameters: ["ObjectPath": "https://vod.example.com/a b*c~d.mp4\nhttps://vod.example.com/视频.m3u8", "ObjectType": "File"],
                                 placement: placement)
        return RequestSigner(version: version, endpoint: .vodDefault).sign(request, credentials: credentials, epochSeconds: 1_714_564_800, nonce: "n-1")
    }

    @Test(arguments: [
        (SignatureVersion.v2, HTTPMethod.get, RPCRequest.ParameterPlacement.query), (.v2, .post, .formBody), (.v2, .post, .query),
        (.v3, .get, .query), (.v3, .post, .formBody), (.v3, .post, .query),
    ])
    func signedRequestsVerify(version: SignatureVersion, method: HTTPMethod, placement: RPCRequest.ParameterPlacement) throws {
        let result = SignatureVerifier.verify(Self.received(Self.sign(version, method: method, placement: placement)), secret: { Self.secrets[$0] })
        let signed = try result.get()
        #expect(signed.version == version && signed.accessKeyId == "testid" && signed.action == "RefreshVodObjectCaches")
        #expect(signed.nonce == "n-1" && signed.apiVersion == "2017-03-21" && signed.parameters["ObjectType"] == "File")
        #expect(signed.parameters["ObjectPath"]?.hasSuffix("视频.m3u8") == true)
    }

    @Test(arguments: [SignatureVersion.v2, .v3])
    func tamperingIsCaught(version: SignatureVersion) {
        var received = Self.received(Self.sign(version, method: .get, placement: .query))
        received.query = received.query.replacingOccurrences(of: "ObjectType=File", with: "ObjectType=Directory")
        guard case .failure(.mismatch(let stringToSign)) = SignatureVerifier.verify(received, secret: { Self.secrets[$0] }) else {
            Issue.record("tampered query accepted")
            return
        }
        #expect(!stringToSign.isEmpty)
        let other = Self.received(Self.sign(version, method: .get, placement: .query))
        #expect(SignatureVerifier.verify(other, secret: { _ in "wrong" }).failureCode == "SignatureDoesNotMatch")
        #expect(SignatureVerifier.verify(other, secret: { _ in nil }).failureCode == "InvalidAccessKeyId.NotFound")
        var methodChanged = other
        methodChanged.method = .post
        #expect(SignatureVerifier.verify(methodChanged, secret: { Self.secrets[$0] }).failureCode == "SignatureDoesNotMatch")
    }

    @Test func unsignedRequestsAreIncomplete() {
        let bare = SignatureVerifier.Received(method: .get, query: "Action=DescribeVodRefreshQuota&AccessKeyId=testid", headers: [:], body: [])
        #expect(SignatureVerifier.verify(bare, secret: { Self.secrets[$0] }).failureCode == "IncompleteSignature")
        let badHeader = SignatureVerifier.Received(method: .get, query: "", headers: ["authorization": "Bearer x"], body: [])
        #expect(SignatureVerifier.verify(badHeader, secret: { Self.secrets[$0] }).failureCode == "IncompleteSignature")
    }
}

extension Result where Failure == SignatureVerifier.Failure {
    var failureCode: String? {
        if case .failure(let failure) = self { return failure.code }
        return nil
    }
}
