import Foundation
import HTTPClient
import Primitives
import Synchronization
import Testing
import TestSupport
@testable import VODAPI

/// Files whose contents a test can change (a rotating OIDC token).
final class MutableFiles: FileReader {
    private let files: Mutex<[String: String]>
    init(_ files: [String: String]) { self.files = Mutex(files) }
    func set(_ path: String, _ text: String) { files.withLock { $0[path] = text } }
    func readText(_ path: String) throws -> String? { files.withLock { $0[path] } }
}

/// A fake VOD API that verifies every signature and records what it accepted.
final class FakeVODAPI: Sendable {
    /// What the API knows and saw, shared with the server's handler.
    final class State: Sendable {
        /// Key id → (secret, token) that the API accepts.
        let keys = Mutex<[String: (secret: String, token: String?)]>([:])
        let accepted = Mutex<[(method: String, verdict: SignatureChecker.Verdict)]>([])
        let rejected = Mutex<[String]>([])
    }

    let state = State()
    let server: LoopbackServer

    init() throws {
        let state = self.state
        server = try LoopbackServer { request in FakeVODAPI.answer(request, state: state) }
    }

    var accepted: [(method: String, verdict: SignatureChecker.Verdict)] { state.accepted.withLock { $0 } }
    var rejected: [String] { state.rejected.withLock { $0 } }

    func allow(_ credentials: Credentials) {
        state.keys.withLock { $0[credentials.accessKeyId] = (credentials.accessKeySecret, credentials.securityToken) }
    }

    private static func answer(_ request: LoopbackServer.Request, state: State) -> LoopbackServer.Response {
        let known = state.keys.withLock { $0 }
        let verdict = SignatureChecker.check(request, secrets: known.mapValues(\.secret), host: "")
        guard case .valid(_, let keyId, let token, let parameters) = verdict, known[keyId]?.token == token else {
            state.rejected.withLock { $0.append("\(verdict)") }
            return .json(#"{"RequestId":"bad","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation."}"#, status: 400)
        }
        state.accepted.withLock { $0.append((request.method, verdict)) }
        switch parameters["Action"] {
        case "DescribeVodDomainTrafficData":
            return .json(#"{"RequestId":"ok-traffic","DataInterval":"300","TrafficDataPerInterval":{"DataModule":[{"TimeStamp":"2024-05-01T10:00:00Z","Value":"1024","DomesticValue":"1000","OverseasValue":"24","HttpsValue":"","HttpsDomesticValue":"","HttpsOverseasValue":""}]}}"#)
        case "RefreshVodObjectCaches":
            let paths = parameters["ObjectPath"]?.split(separator: "\n").count ?? 0
            return .json(#"{"RequestId":"ok-refresh","RefreshTaskId":"\#(1000 + paths)"}"#)
        default:
            return .json(#"{"RequestId":"x","Code":"InvalidAction.NotFound","Message":"Specified api is not found"}"#, status: 404)
        }
    }
}

@Suite("Loopback integration: real sockets, the standard transport (libcurl), fake API, STS and metadata service", .serialized)
struct LoopbackIntegrationTests {
    static func client(api: FakeVODAPI, credentials: any CredentialsProvider, version: SignatureVersion, time: any TimeSource) throws -> VODClient {
        VODClient(
            configuration: VODClientConfiguration(
                endpoint: try Endpoint(parsing: api.server.baseURL), signatureVersion: version, requestTimeout: 5,
                retryPolicy: .none),
            credentials: credentials, transport: StandardTransport.make(),
            gate: RequestGate(maxQPS: 50, burst: 10, maxConcurrent: 4), time: time)
    }

    @Test("signed GET and POST with ECS role credentials that refresh before expiry", arguments: SignatureVersion.allCases)
    func ecsRoleEndToEnd(version: SignatureVersion) async throws {
        let api = try FakeVODAPI()
        defer { api.server.stop() }
        let time = ManualTime(now: Date().timeIntervalSince1970.rounded())
        let issued = Mutex(0)
        let imds = try LoopbackServer { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                return request.headers["x-aliyun-ecs-metadata-token-ttl-seconds"] == "21600"
                    ? LoopbackServer.Response(status: 200, body: Array("imds-session".utf8)) : LoopbackServer.Response(status: 400)
            case (_, _) where request.headers["x-aliyun-ecs-metadata-token"] != "imds-session":
                return LoopbackServer.Response(status: 401)
            case ("GET", "/latest/meta-data/ram/security-credentials/"):
                return LoopbackServer.Response(status: 200, body: Array("ExporterRole".utf8))
            case ("GET", "/latest/meta-data/ram/security-credentials/ExporterRole"):
                let number = issued.increment()
                let credentials = Credentials(
                    accessKeyId: "STS.ecs.\(number)", accessKeySecret: "ecs-secret-\(number)", securityToken: "ecs/token+\(number)",
                    expiration: Int64(time.now()) + 3600)
                api.allow(credentials)
                return .json(#"{"Code":"Success","AccessKeyId":"\#(credentials.accessKeyId)","AccessKeySecret":"\#(credentials.accessKeySecret)","SecurityToken":"\#(credentials.securityToken!)","Expiration":"\#(UTCTimestamp.format(credentials.expiration!))","LastUpdated":"x"}"#)
            default:
                return LoopbackServer.Response(status: 404)
            }
        }
        defer { imds.stop() }

        let steps = CredentialsChain.plan(environment: [:], homeDirectory: nil, files: MemoryFiles(files: [:]), now: time.now())
        let factory = CredentialsProviderFactory(
            transport: StandardTransport.make(), time: time, nonce: { UUID().uuidString },
            metadataEndpoint: try Endpoint(parsing: imds.baseURL))
        let chain = ChainCredentialsProvider(steps: steps, factory: factory)
        let client = try Self.client(api: api, credentials: chain, version: version, time: time)

        let traffic = try await client.call(DescribeVodDomainTrafficData(query: .init(
            domainNames: ["a.example.com"], startTime: 1_714_557_600, endTime: 1_714_561_200, interval: .fiveMinutes)))
        #expect(traffic.slots.first?.value == 1024)
        #expect(traffic.slots.first?.httpsValue == nil)
        let refresh = try await client.call(RefreshVodObjectCaches(objectPaths: [
            "https://a.example.com/a b*c~d.mp4", "https://a.example.com/视频.m3u8",
        ]))
        #expect(refresh.taskIds == ["1002"])

        // Within 15 minutes of expiry the next call fetches new role credentials first.
        time.advance(3000)
        _ = try await client.call(DescribeVodDomainTrafficData(query: .init(domainNames: ["a.example.com"])))

        let accepted = api.accepted
        #expect(api.rejected.isEmpty)
        #expect(accepted.map(\.method) == ["GET", "POST", "GET"])
        let keyIds = accepted.map { entry -> String in
            if case .valid(let signedVersion, let keyId, let token, _) = entry.verdict {
                #expect(signedVersion == version)
                #expect(token?.hasPrefix("ecs/token+") == true, "the STS token was sent and signed")
                return keyId
            }
            return ""
        }
        #expect(keyIds == ["STS.ecs.1", "STS.ecs.1", "STS.ecs.2"])
        #expect(issued.withLock { $0 } == 2)
        #expect(await chain.currentExpiration() == Int64(time.now()) + 3600)
    }

    @Test("STS AssumeRole and AssumeRoleWithOIDC over loopback; the OIDC token file is re-read on refresh")
    func stsEndToEnd() async throws {
        let api = try FakeVODAPI()
        defer { api.server.stop() }
        let time = ManualTime(now: Date().timeIntervalSince1970.rounded())
        let source = Credentials(accessKeyId: "LTAI.source", accessKeySecret: "source-secret")
        let seenTokens = Mutex<[String]>([])
        let sts = try LoopbackServer { request in
            var form: [String: String] = [:]
            for pair in PercentEncoding.parsePairs(String(decoding: request.body, as: UTF8.self), plusAsSpace: true) ?? [] {
                form[pair.key] = pair.value
            }
            var query: [String: String] = [:]
            for pair in PercentEncoding.parsePairs(request.query, plusAsSpace: false) ?? [] { query[pair.key] = pair.value }
            let action = query["Action"] ?? form["Action"]
            let issued: Credentials
            switch action {
            case "AssumeRole":
                guard case .valid(.v2, "LTAI.source", nil, let parameters) = SignatureChecker.check(
                    request, secrets: ["LTAI.source": "source-secret"], host: ""), parameters["RoleArn"] == "acs:ram::1:role/exporter"
                else { return .json(#"{"Code":"SignatureDoesNotMatch","Message":"no"}"#, status: 400) }
                issued = Credentials(accessKeyId: "STS.role", accessKeySecret: "role-secret", securityToken: "role-token", expiration: Int64(time.now()) + 3600)
            case "AssumeRoleWithOIDC":
                guard request.headers["authorization"] == nil, query["Version"] == "2015-04-01",
                    let token = form["OIDCToken"], form["OIDCProviderArn"] == "acs:ram::1:oidc-provider/ack",
                    form["RoleSessionName"] == "pod-session"
                else { return .json(#"{"Code":"InvalidParameter","Message":"bad OIDC request"}"#, status: 400) }
                let count = seenTokens.withLock { tokens -> Int in
                    tokens.append(token)
                    return tokens.count
                }
                issued = Credentials(accessKeyId: "STS.oidc.\(count)", accessKeySecret: "oidc-secret", securityToken: "oidc-token", expiration: Int64(time.now()) + 1800)
            default:
                return .json(#"{"Code":"InvalidAction.NotFound","Message":"?"}"#, status: 404)
            }
            api.allow(issued)
            return .json(#"{"RequestId":"sts","Credentials":{"AccessKeyId":"\#(issued.accessKeyId)","AccessKeySecret":"\#(issued.accessKeySecret)","SecurityToken":"\#(issued.securityToken!)","Expiration":"\#(UTCTimestamp.format(issued.expiration!))"},"AssumedRoleUser":{"Arn":"a","AssumedRoleId":"b"}}"#)
        }
        defer { sts.stop() }
        let stsEndpoint = try Endpoint(parsing: sts.baseURL)

        // AssumeRole from an INI profile.
        let iniFiles = MutableFiles(["/creds": "[default]\ntype = ram_role_arn\naccess_key_id = \(source.accessKeyId)\naccess_key_secret = \(source.accessKeySecret)\nrole_arn = acs:ram::1:role/exporter\n"])
        let roleChain = ChainCredentialsProvider(
            steps: CredentialsChain.plan(environment: ["ALIBABA_CLOUD_CREDENTIALS_FILE": "/creds"], homeDirectory: nil, files: iniFiles, now: time.now()),
            factory: CredentialsProviderFactory(transport: StandardTransport.make(), files: iniFiles, time: time, nonce: { UUID().uuidString }, stsEndpointOverride: stsEndpoint))
        let roleClient = try Self.client(api: api, credentials: roleChain, version: .v3, time: time)
        _ = try await roleClient.call(DescribeVodDomainTrafficData(query: .init(domainNames: ["a.example.com"])))

        // AssumeRoleWithOIDC from the RRSA environment, with a token that rotates.
        let files = MutableFiles(["/var/run/secrets/token": "jwt-one\n"])
        let oidcChain = ChainCredentialsProvider(
            steps: CredentialsChain.plan(environment: [
                "ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/exporter", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/ack",
                "ALIBABA_CLOUD_OIDC_TOKEN_FILE": "/var/run/secrets/token", "ALIBABA_CLOUD_ROLE_SESSION_NAME": "pod-session",
            ], homeDirectory: nil, files: files, now: time.now()),
            factory: CredentialsProviderFactory(transport: StandardTransport.make(), files: files, time: time, nonce: { UUID().uuidString }, stsEndpointOverride: stsEndpoint))
        let oidcClient = try Self.client(api: api, credentials: oidcChain, version: .v2, time: time)
        _ = try await oidcClient.call(DescribeVodRefreshQuotaProbe())
        files.set("/var/run/secrets/token", "jwt-two")
        time.advance(1000)  // 1800 s lifetime: refreshed within its last half
        _ = try await oidcClient.call(DescribeVodRefreshQuotaProbe())

        #expect(seenTokens.withLock { $0 } == ["jwt-one", "jwt-two"])
        #expect(api.rejected.isEmpty)
        let keys = api.accepted.compactMap { entry -> String? in
            if case .valid(_, let keyId, _, _) = entry.verdict { return keyId }
            return nil
        }
        #expect(keys == ["STS.role", "STS.oidc.1", "STS.oidc.2"])
    }

    @Test("transport: the overall deadline, the response size cap and a refused connection")
    func transportLimits() async throws {
        let server = try LoopbackServer { request in
            request.path == "/slow"
                ? LoopbackServer.Response(status: 200, body: Array("late".utf8), delay: 3)
                : LoopbackServer.Response(status: 200, body: [UInt8](repeating: 0x41, count: 200_000))
        }
        let transport = try CurlTransport(maxResponseBytes: 10_000)
        let slow = await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(method: .get, url: "\(server.baseURL)/slow"), timeout: 0.5)
        }
        #expect(slow?.kind == .timedOut)
        #expect(slow?.detail.contains("within 0.5 s") == true, "our deadline fired, not a default one")
        let big = await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(method: .get, url: "\(server.baseURL)/big"), timeout: 5)
        }
        #expect(big?.kind == .responseTooLarge)
        let roomy = try await CurlTransport().send(HTTPRequest(method: .get, url: "\(server.baseURL)/big"), timeout: 5)
        #expect(roomy.body.count == 200_000)
        let port = server.port
        server.stop()
        let refused = await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/"), timeout: 2)
        }
        #expect(refused?.kind == .connectFailed)
        #expect(refused?.mayHaveReachedServer == false)
    }

    @Test("transport: method, headers and body arrive as sent; the answer's status, headers and body come back")
    func transportRoundTrip() async throws {
        let seen = Mutex<[LoopbackServer.Request]>([])
        let server = try LoopbackServer { request in
            seen.withLock { $0.append(request) }
            return LoopbackServer.Response(status: 403, headers: [("Content-Type", "application/json"), ("X-Acs-Request-Id", "r-1")],
                                           body: Array(#"{"Code":"Forbidden"}"#.utf8))
        }
        defer { server.stop() }
        let transport = try CurlTransport()
        let form = Array("Action=RefreshVodObjectCaches&ObjectPath=a%0Ab".utf8)
        let response = try await transport.send(
            HTTPRequest(method: .post, url: "\(server.baseURL)/?x=1",
                        headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded"), ("x-acs-action", "Probe")]), body: form),
            timeout: 5)
        #expect(response.status == 403)
        #expect(response.headers["x-acs-request-id"] == "r-1")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"Code":"Forbidden"}"#)
        let get = try await transport.send(HTTPRequest(method: .get, url: "\(server.baseURL)/path?y=2"), timeout: 5)
        #expect(get.status == 403)
        let requests = seen.withLock { $0 }
        try #require(requests.count == 2)
        #expect(requests[0].method == "POST" && requests[0].path == "/" && requests[0].query == "x=1")
        #expect(requests[0].body == form)
        #expect(requests[0].headers["x-acs-action"] == "Probe")
        #expect(requests[0].headers["expect"] == nil, "no 100-continue round trip")
        #expect(requests[1].method == "GET" && requests[1].path == "/path" && requests[1].query == "y=2" && requests[1].body.isEmpty)
    }

    @Test("curl transport: a cancelled request ends as cancelled, and bad requests never reach libcurl")
    func curlCancellationAndRefusals() async throws {
        let arrived = Mutex(false)
        let server = try LoopbackServer { _ in
            arrived.withLock { $0 = true }
            return LoopbackServer.Response(status: 200, body: Array("late".utf8), delay: 5)
        }
        defer { server.stop() }
        let transport = try CurlTransport()
        let task = Task { try await transport.send(HTTPRequest(method: .get, url: "\(server.baseURL)/"), timeout: 30) }
        // Cancelled while the server holds the request.
        #expect(await waitUntil(timeout: 10, every: 0.01) { arrived.withLock { $0 } })
        task.cancel()
        let cancelled = await #expect(throws: TransportError.self) { _ = try await task.value }
        #expect(cancelled?.kind == .cancelled)

        for request in [
            HTTPRequest(method: .get, url: "ftp://127.0.0.1/"),
            HTTPRequest(method: .get, url: "http://127.0.0.1/a b"),
            HTTPRequest(method: .get, url: "\(server.baseURL)/", headers: HTTPHeaders([("X-Injected", "a\r\nHost: evil")])),
            HTTPRequest(method: .get, url: "\(server.baseURL)/", headers: HTTPHeaders([("Bad Name", "v")])),
        ] {
            let refused = await #expect(throws: TransportError.self) { _ = try await transport.send(request, timeout: 1) }
            #expect(refused?.kind == .invalidRequest)
        }
    }
}

extension LoopbackIntegrationTests {
    @Test("curl transport: downloads resume a range, restart when the range is ignored, keep error bodies out of the file")
    func downloadsIntoFiles() async throws {
        let content = Array("0123456789".utf8)
        let ranges = Mutex<[String?]>([])
        let server = try LoopbackServer { request in
            ranges.withLock { $0.append(request.headers["range"]) }
            switch request.path {
            case "/ranged":
                let from = Int(request.headers["range"]?.dropFirst("bytes=".count).dropLast() ?? "0") ?? 0
                return LoopbackServer.Response(status: from > 0 ? 206 : 200, body: Array(content[from...]))
            case "/whole":
                return LoopbackServer.Response(status: 200, body: content)
            case "/stalled":
                return LoopbackServer.Response(status: 200, body: content, delay: 4)
            case "/stored-gzip":
                // A .gz file served with Content-Encoding: the file must get the bytes as sent.
                return LoopbackServer.Response(status: 200, headers: [("Content-Encoding", "gzip")], body: [0x1F, 0x8B, 1, 2, 3])
            default:
                return LoopbackServer.Response(status: 404, body: Array("<Code>NoSuchKey</Code>".utf8))
            }
        }
        defer { server.stop() }
        let transport = try CurlTransport()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("downloads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        func download(_ path: String, over existing: String, stallTimeout: Double = 5) async throws -> (TransportResponse, [UInt8]) {
            let file = folder.appendingPathComponent(UUID().uuidString).path
            try Data(existing.utf8).write(to: URL(fileURLWithPath: file))
            let descriptor = open(file, O_WRONLY | O_APPEND)
            try #require(descriptor >= 0)
            defer { close(descriptor) }
            var headers = HTTPHeaders()
            if !existing.isEmpty { headers.set("Range", "bytes=\(existing.utf8.count)-") }
            let response = try await transport.download(HTTPRequest(method: .get, url: "\(server.baseURL)\(path)", headers: headers),
                                                        into: descriptor, stallTimeout: stallTimeout)
            return (response, Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        }

        let (resumed, resumedFile) = try await download("/ranged", over: "01234")
        #expect(resumed.status == 206 && resumed.body.isEmpty && resumedFile == content)
        let (restarted, restartedFile) = try await download("/whole", over: "XXXXXXX")
        #expect(restarted.status == 200 && restartedFile == content, "a 200 answer replaces what was there")
        let (fresh, freshFile) = try await download("/ranged", over: "")
        #expect(fresh.status == 200 && freshFile == content)
        let (stored, storedFile) = try await download("/stored-gzip", over: "")
        #expect(stored.status == 200 && storedFile == [0x1F, 0x8B, 1, 2, 3])
        let (missing, missingFile) = try await download("/missing", over: "01234")
        #expect(missing.status == 404 && String(decoding: missing.body, as: UTF8.self) == "<Code>NoSuchKey</Code>")
        #expect(missingFile == Array("01234".utf8), "an error body never reaches the file")
        #expect(ranges.withLock { $0 } == ["bytes=5-", "bytes=7-", nil, nil, "bytes=5-"])
        let stalled = await #expect(throws: TransportError.self) { _ = try await download("/stalled", over: "", stallTimeout: 1) }
        #expect(stalled?.kind == .timedOut && stalled?.detail.contains("stalled for 1.0 s") == true)
    }
}

private struct DescribeVodRefreshQuotaProbe: VODOperation {
    static let action = "DescribeVodDomainTrafficData"
    func parameters() throws(RequestValidationError) -> [String: String] { [:] }
    static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> String {
        try body.string("RequestId")
    }
}
