/// A source of credentials. Implementations cache and refresh as their kind requires.
public protocol CredentialsProvider: Sendable {
    /// Where the credentials come from, for logs and `check` output (no secrets).
    var sourceDescription: String { get }
    /// Credentials valid for signing now.
    /// - Throws: ``CredentialsError``.
    func credentials() async throws -> Credentials
    /// When the current temporary credentials expire (seconds since the epoch); nil for
    /// long-lived keys or before the first fetch.
    func currentExpiration() async -> Int64?
    /// The source that supplies the credentials in use (for a chain: the step that won); nil
    /// before one has. No secrets.
    func activeSourceDescription() async -> String?
}

extension CredentialsProvider {
    public func activeSourceDescription() async -> String? { sourceDescription }
}

/// Credentials that never change (an access key pair, or an STS token given by hand).
public struct StaticCredentialsProvider: CredentialsProvider {
    public let sourceDescription: String
    private let value: Credentials

    public init(_ credentials: Credentials, sourceDescription: String) {
        self.value = credentials
        self.sourceDescription = sourceDescription
    }

    public func credentials() async throws -> Credentials {
        value
    }

    public func currentExpiration() async -> Int64? {
        value.expiration
    }
}
