import Synchronization

/// A provider that can be rebuilt at run time (SIGHUP): the credential chain is planned again
/// from the environment and files, so rotated keys in files apply without a restart.
public final class ReloadableCredentialsProvider: CredentialsProvider {
    private let make: @Sendable () -> any CredentialsProvider
    private let current: Mutex<any CredentialsProvider>

    /// - Parameter make: builds a fresh provider (called now and on every `reload()`).
    public init(_ make: @escaping @Sendable () -> any CredentialsProvider) {
        self.make = make
        current = Mutex(make())
    }

    /// Replaces the provider with a freshly built one; calls in flight finish with the old one.
    public func reload() {
        let fresh = make()
        current.withLock { $0 = fresh }
    }

    /// The provider in force now (for diagnostics: which source was picked).
    public var provider: any CredentialsProvider { current.withLock { $0 } }

    public var sourceDescription: String { provider.sourceDescription }

    public func credentials() async throws -> Credentials {
        try await provider.credentials()
    }

    public func currentExpiration() async -> Int64? {
        await provider.currentExpiration()
    }

    public func activeSourceDescription() async -> String? {
        await provider.activeSourceDescription()
    }
}
