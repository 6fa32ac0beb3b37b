import HTTPClient
import Primitives
import Synchronization
import Testing
@testable import VODAPI

/// Files held in memory.
struct MemoryFiles: FileReader {
    var files: [String: String]
    func readText(_ path: String) throws -> String? { files[path] }
}

@Suite("Credential sources, the default chain and refreshing")
struct CredentialsTests {
    static let now: Double = 1_714_564_800
    static let home = "/home/op"

    static func plan(_ environment: [String: String], _ files: [String: String] = [:]) -> [CredentialsChain.Step] {
        CredentialsChain.plan(environment: environment, homeDirectory: home, files: MemoryFiles(files: files), now: now)
    }

    /// The first step that yields a source.
    static func firstSource(_ steps: [CredentialsChain.Step]) -> (String, CredentialSource)? {
        for step in steps {
            if case .source(let source) = step.outcome { return (step.name, source) }
        }
        return nil
    }

    @Test("environment keys come first, with an optional STS token")
    func environmentFirst() throws {
        let steps = Self.plan([
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret",
            "ALIBABA_CLOUD_SECURITY_TOKEN": "tok", "ALIBABA_CLOUD_CREDENTIALS_URI": "http://127.0.0.1:1/c",
        ], ["\(Self.home)/.aliyun/config.json": #"{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"x","access_key_secret":"y"}]}"#])
        #expect(steps.map(\.name) == ["environment", "oidc", "cli profile", "credentials file", "ecs ram role", "credentials uri"])
        let first = try #require(Self.firstSource(steps))
        #expect(first.0 == "environment")
        #expect(first.1 == .staticKey(Credentials(accessKeyId: "id", accessKeySecret: "secret", securityToken: "tok")))
    }

    @Test("half-set environment keys are reported, not used")
    func halfEnvironment() {
        let steps = Self.plan(["ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"])
        guard case .failed(let error) = steps[0].outcome else {
            Issue.record("expected a failure, got \(steps[0].outcome)")
            return
        }
        #expect(error.problem.contains("only one of"))
    }

    @Test("OIDC when all three variables are set, with region and VPC endpoint settings")
    func oidc() throws {
        let steps = Self.plan([
            "ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/r", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/p",
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE": "/var/run/token", "ALIBABA_CLOUD_ROLE_SESSION_NAME": "s",
            "ALIBABA_CLOUD_STS_REGION": "cn-shanghai", "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED": "true",
        ])
        let first = try #require(Self.firstSource(steps))
        #expect(first.0 == "oidc")
        #expect(first.1 == .oidc(
            session: .init(roleArn: "acs:ram::1:role/r", sessionName: "s"), providerArn: "acs:ram::1:oidc-provider/p",
            tokenFile: "/var/run/token", stsRegion: "cn-shanghai", vpc: true))
        #expect(try STSClient.defaultEndpoint(region: "cn-shanghai", vpc: true).host == "sts-vpc.cn-shanghai.aliyuncs.com")
        #expect(try STSClient.defaultEndpoint(region: nil, vpc: false).host == "sts.aliyuncs.com")
    }

    static let cliConfig = """
        {"current": "ak", "profiles": [
          {"name": "ak", "mode": "AK", "access_key_id": "id1", "access_key_secret": "sec1", "region_id": "cn-shanghai"},
          {"name": "sts", "mode": "StsToken", "access_key_id": "id2", "access_key_secret": "sec2", "sts_token": "tok2"},
          {"name": "role", "mode": "RamRoleArn", "access_key_id": "id3", "access_key_secret": "sec3",
           "ram_role_arn": "acs:ram::1:role/x", "ram_session_name": "sess", "expired_seconds": 900, "sts_region": "cn-hangzhou"},
          {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "EcsRole"},
          {"name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::1:role/o", "oidc_provider_arn": "acs:ram::1:oidc-provider/p",
           "oidc_token_file": "/t", "role_session_name": "os"},
          {"name": "sso", "mode": "CloudSSO"}
        ]}
        """

    @Test("aliyun CLI profiles in every supported mode", arguments: [
        ("ak", CredentialSource.staticKey(Credentials(accessKeyId: "id1", accessKeySecret: "sec1"))),
        ("sts", .staticKey(Credentials(accessKeyId: "id2", accessKeySecret: "sec2", securityToken: "tok2"))),
        ("role", .ramRoleArn(
            source: Credentials(accessKeyId: "id3", accessKeySecret: "sec3"),
            session: .init(roleArn: "acs:ram::1:role/x", sessionName: "sess", durationSeconds: 900),
            stsRegion: "cn-hangzhou", vpc: false)),
        ("ecs", .ecsRamRole(roleName: "EcsRole")),
        ("oidc", .oidc(
            session: .init(roleArn: "acs:ram::1:role/o", sessionName: "os"), providerArn: "acs:ram::1:oidc-provider/p",
            tokenFile: "/t", stsRegion: nil, vpc: false)),
    ])
    func cliProfiles(name: String, expected: CredentialSource) throws {
        #expect(try CLIConfigFile.source(fromJSON: Self.cliConfig, profileName: name, path: "config.json", now: Self.now) == expected)
    }

    @Test("CLI profile errors: unknown profile, unsupported mode, missing key, not JSON")
    func cliErrors() {
        #expect(throws: CredentialsError.self) { try CLIConfigFile.source(fromJSON: Self.cliConfig, profileName: "nope", path: "c", now: 0) }
        let sso = #expect(throws: CredentialsError.self) { try CLIConfigFile.source(fromJSON: Self.cliConfig, profileName: "sso", path: "c", now: 0) }
        #expect(sso?.problem.contains("CloudSSO") == true)
        #expect(throws: CredentialsError.self) {
            try CLIConfigFile.source(fromJSON: #"{"profiles":[{"name":"default","mode":"AK","access_key_id":"x"}]}"#, profileName: nil, path: "c", now: 0)
        }
        #expect(throws: CredentialsError.self) { try CLIConfigFile.source(fromJSON: "[", profileName: nil, path: "c", now: 0) }
    }

    @Test("the current profile is used unless ALIBABA_CLOUD_PROFILE names another")
    func currentProfile() throws {
        let path = "\(Self.home)/.aliyun/config.json"
        let byCurrent = try #require(Self.firstSource(Self.plan(["ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"], [path: Self.cliConfig])))
        #expect(byCurrent.1 == .staticKey(Credentials(accessKeyId: "id1", accessKeySecret: "sec1")))
        let named = try #require(Self.firstSource(Self.plan(["ALIBABA_CLOUD_PROFILE": "ecs"], [path: Self.cliConfig])))
        #expect(named.1 == .ecsRamRole(roleName: "EcsRole"))
        let disabled = Self.plan(["ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true"], [path: Self.cliConfig])
        #expect(disabled[2].outcome == .skipped("ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true"))
        // A profile asked for by name that no file has: an error, never the machine's own role.
        let missing = Self.plan(["ALIBABA_CLOUD_PROFILE": "nope"], [path: Self.cliConfig])
        #expect(Self.firstSource(missing) == nil)
        #expect(missing.map(\.name) == ["environment", "oidc", "cli profile", "credentials file", "ecs ram role", "credentials uri"])
        if case .failed(let error) = missing[2].outcome { #expect(error.problem.contains("no profile named 'nope'")) } else { Issue.record("\(missing[2])") }
        #expect(missing[4].outcome == .skipped("profile 'nope' was asked for (ALIBABA_CLOUD_PROFILE or --profile) and is in no credentials file"))
    }

    static let ini = """
        # shared credentials
        [default]
        type = access_key
        access_key_id = ini-id   # inline comment
        access_key_secret = ini-secret

        [role]
        type = ram_role_arn
        access_key_id = rid
        access_key_secret = rsec
        role_arn = acs:ram::1:role/ini
        role_session_name = inisess

        [ecs]
        type = ecs_ram_role
        role_name = InstanceRole

        [oidc]
        type = oidc_role_arn
        role_arn = acs:ram::1:role/oi
        oidc_provider_arn = acs:ram::1:oidc-provider/p
        oidc_token_file_path = /tok
        role_session_name = oisess
        """

    @Test("INI credentials file sections and inline comments")
    func iniFile() throws {
        #expect(try CredentialsINIFile.source(fromINI: Self.ini, section: "default", path: "f", now: 0)
            == .staticKey(Credentials(accessKeyId: "ini-id", accessKeySecret: "ini-secret")))
        #expect(try CredentialsINIFile.source(fromINI: Self.ini, section: "ecs", path: "f", now: 0) == .ecsRamRole(roleName: "InstanceRole"))
        guard case .ramRoleArn(_, let session, _, _) = try CredentialsINIFile.source(fromINI: Self.ini, section: "role", path: "f", now: 0) else {
            Issue.record("expected a role")
            return
        }
        #expect(session.roleArn == "acs:ram::1:role/ini" && session.sessionName == "inisess")
        guard case .oidc(_, _, let tokenFile, _, _) = try CredentialsINIFile.source(fromINI: Self.ini, section: "oidc", path: "f", now: 0) else {
            Issue.record("expected OIDC")
            return
        }
        #expect(tokenFile == "/tok")
        #expect(throws: CredentialsError.self) { try CredentialsINIFile.source(fromINI: Self.ini, section: "missing", path: "f", now: 0) }
    }

    @Test("INI paths: the explicit file, else credentials.ini, else credentials")
    func iniPaths() throws {
        let noECS = ["ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"]
        let plain = try #require(Self.firstSource(Self.plan(noECS, ["\(Self.home)/.alibabacloud/credentials": Self.ini])))
        #expect(plain.0 == "credentials file")
        let both = Self.plan(noECS, [
            "\(Self.home)/.alibabacloud/credentials.ini": "[default]\naccess_key_id = a\naccess_key_secret = b\n",
            "\(Self.home)/.alibabacloud/credentials": Self.ini,
        ])
        #expect(Self.firstSource(both)?.1 == .staticKey(Credentials(accessKeyId: "a", accessKeySecret: "b")))
        var explicit = noECS
        explicit["ALIBABA_CLOUD_CREDENTIALS_FILE"] = "/etc/creds"
        explicit["ALIBABA_CLOUD_PROFILE"] = "ecs"
        #expect(Self.firstSource(Self.plan(explicit, ["/etc/creds": Self.ini]))?.1 == .ecsRamRole(roleName: "InstanceRole"))
    }

    @Test("with nothing configured only the ECS role remains, and a disabled ECS leaves nothing")
    func nothingConfigured() {
        #expect(Self.firstSource(Self.plan([:]))?.1 == .ecsRamRole(roleName: nil))
        #expect(Self.firstSource(Self.plan(["ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"])) == nil)
    }

    @Test("the chain's failure lists everything it tried")
    func chainFailure() async {
        let steps = Self.plan(["ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"])
        let transport = FakeTransport { _, _ in FakeTransport.json("{}") }
        let chain = ChainCredentialsProvider(steps: steps, factory: CredentialsProviderFactory(transport: transport, nonce: { "n" }))
        let error = await #expect(throws: CredentialsError.self) { _ = try await chain.credentials() }
        for name in ["environment", "oidc", "cli profile", "credentials file", "ecs ram role", "credentials uri"] {
            #expect(error?.description.contains("\(name):") == true, "mentions \(name)")
        }
    }

    @Test("the chain moves past a failing ECS role to the credentials URI and keeps the winner")
    func chainFallsThrough() async throws {
        let transport = FakeTransport { request, _ in
            if request.url.hasPrefix("http://127.0.0.1:9/") {
                return FakeTransport.json(#"{"Code":"Success","AccessKeyId":"STS.uri","AccessKeySecret":"urisecret","SecurityToken":"uritoken","Expiration":"2024-05-01T18:00:00Z"}"#)
            }
            return TransportResponse(status: 404)
        }
        let steps = Self.plan(["ALIBABA_CLOUD_CREDENTIALS_URI": "http://127.0.0.1:9/creds"])
        let factory = CredentialsProviderFactory(
            transport: transport, time: ManualTime(now: Self.now), nonce: { "n" },
            metadataEndpoint: try Endpoint(parsing: "http://127.0.0.1:8"))
        let chain = ChainCredentialsProvider(steps: steps, factory: factory)
        let credentials = try await chain.credentials()
        #expect(credentials.accessKeyId == "STS.uri")
        #expect(await chain.selected?.sourceDescription == "credentials uri (credentials URI)")
        #expect(await chain.currentExpiration() == UTCTimestamp.parse("2024-05-01T18:00:00Z"))
    }

    @Test("one refresh however many callers wait (single flight)")
    func singleFlight() async throws {
        let time = ManualTime(now: Self.now)
        let fetches = Mutex(0)
        let provider = RefreshingCredentialsProvider(sourceDescription: "test", time: time) {
            let number = fetches.increment()
            try await Task.sleep(for: .milliseconds(50))
            return Credentials(accessKeyId: "STS.\(number)", accessKeySecret: "s", securityToken: "t", expiration: Int64(Self.now) + 3600)
        }
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await provider.credentials().accessKeyId } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids == ["STS.1"])
        #expect(await provider.fetches == 1)
        // Still fresh: no new fetch.
        time.advance(2000)
        _ = try await provider.credentials()
        #expect(await provider.fetches == 1)
        // Within 15 minutes of expiry: refreshed once.
        time.advance(1000)
        #expect(try await provider.credentials().accessKeyId == "STS.2")
        #expect(await provider.fetches == 2)
        #expect(await provider.currentExpiration() == Int64(Self.now) + 3600)
    }

    @Test("a failed refresh keeps serving unexpired credentials, retries after 30 s, and fails once they expire")
    func failedRefresh() async throws {
        let time = ManualTime(now: Self.now)
        let calls = Mutex(0)
        let provider = RefreshingCredentialsProvider(sourceDescription: "test", time: time) {
            let call = calls.increment()
            if call > 1 { throw CredentialsError(source: "test", problem: "STS is down") }
            return Credentials(accessKeyId: "STS.1", accessKeySecret: "s", securityToken: "t", expiration: Int64(Self.now) + 3600)
        }
        _ = try await provider.credentials()
        time.advance(3000)
        #expect(try await provider.credentials().accessKeyId == "STS.1")
        #expect(calls.withLock { $0 } == 2)
        // Within 30 s of the failure the cached credentials are served without a new attempt.
        time.advance(10)
        #expect(try await provider.credentials().accessKeyId == "STS.1")
        #expect(calls.withLock { $0 } == 2)
        time.advance(30)
        #expect(try await provider.credentials().accessKeyId == "STS.1")
        #expect(calls.withLock { $0 } == 3)
        time.advance(700)
        await #expect(throws: CredentialsError.self) { _ = try await provider.credentials() }
    }

    @Test("descriptions never show a secret or a token")
    func redactedDescription() {
        let credentials = Credentials(accessKeyId: "LTAI5tAbcdefghijklmn", accessKeySecret: "TopSecretValue123", securityToken: "CAISTokenValue")
        for text in [credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials)] {
            #expect(!text.contains("TopSecretValue123"))
            #expect(!text.contains("CAISTokenValue"))
        }
        #expect(credentials.maskedAccessKeyId == "LTAI****klmn")
    }
}

@Suite struct ReloadableCredentialsTests {
    @Test func reloadRebuildsTheProvider() async throws {
        let generation = Mutex(0)
        let provider = ReloadableCredentialsProvider {
            let number = generation.withLock { value in
                value += 1
                return value
            }
            return StaticCredentialsProvider(Credentials(accessKeyId: "key-\(number)", accessKeySecret: "s"), sourceDescription: "gen \(number)")
        }
        #expect(try await provider.credentials().accessKeyId == "key-1" && provider.sourceDescription == "gen 1")
        provider.reload()
        #expect(try await provider.credentials().accessKeyId == "key-2" && provider.sourceDescription == "gen 2")
    }
}
