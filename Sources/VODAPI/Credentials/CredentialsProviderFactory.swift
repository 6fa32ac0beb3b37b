import HTTPClient
import Primitives

/// Turns a ``CredentialSource`` into a working provider, with the endpoints and transport to
/// fetch temporary credentials.
public struct CredentialsProviderFactory: Sendable {
    public var transport: any HTTPTransport
    public var files: any FileReader
    public var time: any TimeSource
    public var nonce: @Sendable () throws(SystemRandom.Unavailable) -> String
    /// Replaces the STS endpoint the source would pick (tests, private endpoints).
    public var stsEndpointOverride: Endpoint?
    /// The instance metadata service.
    public var metadataEndpoint: Endpoint
    /// Refuse IMDSv1 when no v2 token can be had.
    public var disableIMDSv1: Bool

    public init(
        transport: any HTTPTransport, files: any FileReader = LocalFileReader(), time: any TimeSource = SystemTimeSource(),
        nonce: @escaping @Sendable () throws(SystemRandom.Unavailable) -> String = NonceSource.system.next, stsEndpointOverride: Endpoint? = nil,
        metadataEndpoint: Endpoint = ECSMetadataCredentials.defaultEndpoint, disableIMDSv1: Bool = false
    ) {
        self.transport = transport
        self.files = files
        self.time = time
        self.nonce = nonce
        self.stsEndpointOverride = stsEndpointOverride
        self.metadataEndpoint = metadataEndpoint
        self.disableIMDSv1 = disableIMDSv1
    }

    /// A provider for `source`, described as coming from `origin`.
    public func makeProvider(_ source: CredentialSource, origin: String) throws(CredentialsError) -> any CredentialsProvider {
        let description = "\(origin) (\(source.kindName))"
        switch source {
        case .staticKey(let credentials):
            return StaticCredentialsProvider(credentials, sourceDescription: description)
        case .ramRoleArn(let key, let session, let region, let vpc):
            let sts = STSClient(endpoint: try stsEndpoint(region: region, vpc: vpc, origin: origin), transport: transport, time: time, nonce: nonce)
            return RefreshingCredentialsProvider(sourceDescription: description, time: time) {
                try await sts.assumeRole(session, with: key)
            }
        case .oidc(let session, let providerArn, let tokenFile, let region, let vpc):
            let sts = STSClient(endpoint: try stsEndpoint(region: region, vpc: vpc, origin: origin), transport: transport, time: time, nonce: nonce)
            let files = self.files
            return RefreshingCredentialsProvider(sourceDescription: description, time: time) {
                // The token rotates, so it is read again for every refresh.
                let token: String?
                do {
                    token = try files.readText(tokenFile)?.trimmingWhitespace()
                } catch {
                    throw CredentialsError(source: origin, problem: "the OIDC token file \(tokenFile) cannot be read")
                }
                guard let token, !token.isEmpty else {
                    throw CredentialsError(source: origin, problem: "the OIDC token file \(tokenFile) is missing or empty")
                }
                return try await sts.assumeRoleWithOIDC(session, providerArn: providerArn, oidcToken: token)
            }
        case .ecsRamRole(let roleName):
            let metadata = ECSMetadataCredentials(
                endpoint: metadataEndpoint, roleName: roleName, disableIMDSv1: disableIMDSv1, transport: transport)
            return RefreshingCredentialsProvider(sourceDescription: description, time: time) {
                try await metadata.fetch()
            }
        case .uri(let uri):
            let fetcher = CredentialsURIFetcher(uri: uri, transport: transport)
            return RefreshingCredentialsProvider(sourceDescription: description, time: time) {
                try await fetcher.fetch()
            }
        }
    }

    private func stsEndpoint(region: String?, vpc: Bool, origin: String) throws(CredentialsError) -> Endpoint {
        if let stsEndpointOverride { return stsEndpointOverride }
        do {
            return try STSClient.defaultEndpoint(region: region, vpc: vpc)
        } catch {
            throw CredentialsError(source: origin, problem: "the STS region gives an invalid \(error)")
        }
    }
}

/// The default chain as a provider: on first use it tries each configured step in order; the
/// first that yields credentials is kept for the life of the process. When none does, the
/// error lists every step and what happened to it.
public actor ChainCredentialsProvider: CredentialsProvider {
    private let steps: [CredentialsChain.Step]
    private let factory: CredentialsProviderFactory
    private var chosen: (any CredentialsProvider)?

    public init(steps: [CredentialsChain.Step], factory: CredentialsProviderFactory) {
        self.steps = steps
        self.factory = factory
    }

    public nonisolated var sourceDescription: String { "default credential chain" }

    /// The provider that won, once one has.
    public var selected: (any CredentialsProvider)? { chosen }

    public func credentials() async throws -> Credentials {
        if let chosen { return try await chosen.credentials() }
        var tried: [String] = []
        for step in steps {
            switch step.outcome {
            case .skipped(let reason):
                tried.append("\(step.name): skipped (\(reason))")
            case .failed(let error):
                tried.append("\(step.name): \(error)")
            case .source(let source):
                do {
                    let provider = try factory.makeProvider(source, origin: step.name)
                    let credentials = try await provider.credentials()
                    chosen = provider
                    return credentials
                } catch {
                    tried.append("\(step.name): \(error)")
                }
            }
        }
        throw CredentialsError(source: "the default chain", problem: "no source yielded credentials; tried " + tried.joined(separator: "; "))
    }

    public func currentExpiration() async -> Int64? {
        await chosen?.currentExpiration()
    }

    public func activeSourceDescription() async -> String? {
        chosen?.sourceDescription
    }
}
