/// Credentials that could not be found, read or fetched. Names the source and the problem,
/// never a secret.
public struct CredentialsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which source failed, e.g. `environment`, `oidc`, `profile 'default' in ~/.aliyun/config.json`.
    public let source: String
    public let problem: String

    public init(source: String, problem: String) {
        self.source = source
        self.problem = problem
    }

    public var description: String {
        "credentials from \(source): \(problem)"
    }
}
