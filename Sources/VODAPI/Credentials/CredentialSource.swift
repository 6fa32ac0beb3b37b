/// How one configured source yields credentials, before anything is fetched. Parsed from the
/// environment and the configuration files by pure code, then turned into a provider.
public enum CredentialSource: Sendable, Equatable {
    /// A fixed key pair (optionally with an STS token).
    case staticKey(Credentials)
    /// `AssumeRole` with a long-lived key.
    case ramRoleArn(source: Credentials, session: STSClient.RoleSession, stsRegion: String?, vpc: Bool)
    /// `AssumeRoleWithOIDC` with the token in `tokenFile` (re-read at each refresh).
    case oidc(session: STSClient.RoleSession, providerArn: String, tokenFile: String, stsRegion: String?, vpc: Bool)
    /// The ECS instance's RAM role; the name is looked up when nil.
    case ecsRamRole(roleName: String?)
    /// A credentials URI.
    case uri(String)

    /// A short name of the kind, for logs.
    public var kindName: String {
        switch self {
        case .staticKey(let credentials): credentials.isTemporary ? "static STS token" : "access key"
        case .ramRoleArn: "RAM role (AssumeRole)"
        case .oidc: "OIDC role (AssumeRoleWithOIDC)"
        case .ecsRamRole: "ECS RAM role"
        case .uri: "credentials URI"
        }
    }
}

/// The session name the official SDKs default to when none is configured.
func defaultSessionName(now: Double) -> String {
    "vodcdn-exporter-\(Int64(now))"
}
