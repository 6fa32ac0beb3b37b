import Flags
import FoundationEssentials
import VODAPI

/// How to reach and sign for the VOD API: flags shared by the agent and the operator commands.
public struct APIOptions: Sendable {
    public static let definitions: [FlagDefinition] = [
        FlagDefinition("aliyun.endpoint", default: "https://vod.cn-shanghai.aliyuncs.com", placeholder: "URL",
                       help: "VOD API endpoint; plain http:// only for loopback test endpoints."),
        FlagDefinition("aliyun.signature-version", default: "v3", placeholder: "v3|v2", help: "Request signature: v3 (ACS3-HMAC-SHA256) or v2 (HMAC-SHA1)."),
        FlagDefinition("aliyun.sts-endpoint", placeholder: "URL", help: "STS endpoint for role credentials (default: the region's public one)."),
        FlagDefinition("aliyun.metadata-endpoint", default: "http://100.100.100.200", placeholder: "URL", help: "ECS instance metadata service."),
        FlagDefinition("profile", placeholder: "NAME",
                       help: "The profile of ~/.aliyun/config.json (and the section of the credentials file) to use, as ALIBABA_CLOUD_PROFILE does; default: the file's current one."),
        FlagDefinition("api.max-qps", .number, default: "10", help: "Most API calls per second, for the whole process (the account's limits are shared)."),
        FlagDefinition("api.max-concurrency", .integer, default: "8", help: "Most API calls in flight."),
        FlagDefinition("api.timeout", .duration, default: "10s", help: "Deadline of one attempt of an API request (each retry gets its own)."),
        FlagDefinition("api.retries", .integer, default: "3",
                       help: "Retries of a failed read call (throttling, 5xx, timeouts), with backoff: a call may take (retries + 1) × timeout plus the waits."),
    ]

    public var client: VODClientConfiguration
    public var maxQPS: Double
    public var maxConcurrency: Int
    public var stsEndpoint: Endpoint?
    public var metadataEndpoint: Endpoint
    /// `--profile`: wins over `ALIBABA_CLOUD_PROFILE`.
    public var profile: String?

    public init(_ flags: FlagValues) throws(UsageError) {
        func endpoint(_ name: String) throws(UsageError) -> Endpoint? {
            guard let text = flags.string(name) else { return nil }
            do {
                return try Endpoint(parsing: text, allowInsecureHTTP: name == "aliyun.metadata-endpoint")
            } catch {
                throw UsageError("--\(name): \(error)")
            }
        }
        let versionText = flags.string("aliyun.signature-version") ?? "v3"
        guard let version = SignatureVersion(rawValue: versionText) else {
            throw flags.invalid("aliyun.signature-version", versionText, expected: "v3 or v2")
        }
        client = VODClientConfiguration(
            endpoint: try endpoint("aliyun.endpoint") ?? .vodDefault, signatureVersion: version,
            requestTimeout: try flags.duration("api.timeout", atLeast: 0.1) ?? 10,
            retryPolicy: RetryPolicy(maxAttempts: 1 + (try flags.integer("api.retries", in: 0...10) ?? 3)),
            userAgent: ProductVersion.userAgent)
        maxQPS = try flags.number("api.max-qps", in: 0.1...1000) ?? 10
        maxConcurrency = try flags.integer("api.max-concurrency", in: 1...256) ?? 8
        stsEndpoint = try endpoint("aliyun.sts-endpoint")
        metadataEndpoint = try endpoint("aliyun.metadata-endpoint") ?? ECSMetadataCredentials.defaultEndpoint
        profile = flags.string("profile")
        if let profile, profile.isEmpty || profile.contains(where: { $0.isWhitespace || $0.isNewline }) {
            throw flags.invalid("profile", profile, expected: "a profile name")
        }
    }

    /// The environment the credential chain reads: `--profile` stands for `ALIBABA_CLOUD_PROFILE`.
    public func credentialEnvironment(_ environment: [String: String]) -> [String: String] {
        var environment = environment
        if let profile { environment["ALIBABA_CLOUD_PROFILE"] = profile }
        return environment
    }

    /// A client with the default credential chain (rebuilt by `reload()` on the returned
    /// provider), the rate gate and the given transport.
    public func makeClient(environment: [String: String], transport: any HTTPTransport = StandardTransport.make(),
                           time: any TimeSource = SystemTimeSource(),
                           observe: @escaping @Sendable (RequestRecord) -> Void = { _ in },
                           onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }) -> (VODClient, ReloadableCredentialsProvider) {
        let nonce: @Sendable () -> String = { UUID().uuidString.lowercased() }
        let factory = CredentialsProviderFactory(transport: transport, nonce: nonce, stsEndpointOverride: stsEndpoint,
                                                 metadataEndpoint: metadataEndpoint)
        let environment = credentialEnvironment(environment)
        let credentials = ReloadableCredentialsProvider {
            ChainCredentialsProvider(
                steps: CredentialsChain.plan(environment: environment, homeDirectory: environment["HOME"], files: LocalFileReader(), now: time.now()),
                factory: factory)
        }
        let client = VODClient(
            configuration: client, credentials: credentials, transport: transport,
            gate: RequestGate(maxQPS: maxQPS, burst: max(1, Int(maxQPS.rounded(.up))), maxConcurrent: maxConcurrency, time: time),
            time: time, nonce: nonce, observe: observe, onRetry: onRetry)
        return (client, credentials)
    }
}
