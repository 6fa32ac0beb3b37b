import Flags
import FoundationEssentials
import HTTPClient
import VODAPI

/// How to reach and sign for the VOD API: flags shared by the agent and the operator commands.
public struct APIOptions: Sendable {
    static let endpoint = Flag.string("aliyun.endpoint", default: Endpoint.vodDefault.description, placeholder: "URL",
        help: "VOD API endpoint; plain http:// only for loopback test endpoints.")
    static let signatureVersion = Flag.choice("aliyun.signature-version", default: "v3", placeholder: "v3|v2", expected: "v3 or v2",
        help: "Request signature: v3 (ACS3-HMAC-SHA256) or v2 (HMAC-SHA1).", parse: { SignatureVersion(rawValue: $0) })
    static let stsEndpoint = Flag.optionalString("aliyun.sts-endpoint", placeholder: "URL",
        help: "STS endpoint for role credentials (default: the region's public one).")
    static let metadataEndpoint = Flag.string("aliyun.metadata-endpoint", default: ECSMetadataCredentials.defaultEndpoint.description, placeholder: "URL",
        help: "ECS instance metadata service.")
    static let profile = Flag.optionalString("profile", placeholder: "NAME",
        help: "The profile of ~/.aliyun/config.json (and the section of the credentials file) to use, as ALIBABA_CLOUD_PROFILE does; default: the file's current one.")
    static let maxQPS = Flag.number("api.max-qps", default: 10, in: 0.1...1000,
        help: "Most API calls per second, for the whole process (the account's limits are shared).")
    static let maxConcurrency = Flag.integer("api.max-concurrency", default: 8, in: 1...256, help: "Most API calls in flight; a quarter of them (at least 1, given 2 or more) is kept for realtime, account and discovery calls, so hung history queries cannot starve them; the usage collector's billing queries go only while no other call waits, on at most half the rest.")
    static let timeout = Flag.duration("api.timeout", default: 10, atLeast: 0.1,
        help: "Deadline of one attempt of an API request (each retry gets its own).")
    static let retries = Flag.integer("api.retries", default: 3, in: 0...10,
        help: "Retries of a failed read call (throttling, 5xx, timeouts), with backoff: a call may take (retries + 1) × timeout plus the waits.")

    /// The flags of the API client, shared by the agent and the operator commands.
    public static let flags: [any FlagDeclaration] = [
        endpoint, signatureVersion, stsEndpoint, metadataEndpoint, profile, maxQPS, maxConcurrency, timeout, retries,
    ]

    public var client: VODClientConfiguration
    public var maxQPS: Double
    public var maxConcurrency: Int
    public var stsEndpoint: Endpoint?
    public var metadataEndpoint: Endpoint
    /// `--profile`: wins over `ALIBABA_CLOUD_PROFILE`.
    public var profile: String?

    public init(_ flags: FlagValues) throws(UsageError) {
        func endpoint(_ flag: some FlagDeclaration, _ text: String, allowInsecureHTTP: Bool = false) throws(UsageError) -> Endpoint {
            do {
                return try Endpoint(parsing: text, allowInsecureHTTP: allowInsecureHTTP)
            } catch {
                throw UsageError("--\(flag.definition.name): \(error)")
            }
        }
        client = VODClientConfiguration(
            endpoint: try endpoint(Self.endpoint, try flags.value(Self.endpoint)), signatureVersion: try flags.value(Self.signatureVersion),
            requestTimeout: try flags.value(Self.timeout),
            retryPolicy: RetryPolicy(maxAttempts: 1 + (try flags.value(Self.retries))),
            userAgent: ProductVersion.userAgent)
        maxQPS = try flags.value(Self.maxQPS)
        maxConcurrency = try flags.value(Self.maxConcurrency)
        if let text = try flags.value(Self.stsEndpoint) {
            stsEndpoint = try endpoint(Self.stsEndpoint, text)
        }
        metadataEndpoint = try endpoint(Self.metadataEndpoint, try flags.value(Self.metadataEndpoint), allowInsecureHTTP: true)
        profile = try flags.value(Self.profile)
        if let profile, profile.isEmpty || profile.contains(where: { $0.isWhitespace || $0.isNewline }) {
            throw flags.invalid(Self.profile, profile, expected: "a profile name")
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
        let factory = CredentialsProviderFactory(transport: transport, stsEndpointOverride: stsEndpoint,
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
            time: time, observe: observe, onRetry: onRetry)
        return (client, credentials)
    }
}
