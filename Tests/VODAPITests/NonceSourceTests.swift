import Primitives
import Synchronization
import Testing
@testable import VODAPI

/// Signature nonces come from the system's random source, and a request without one is never
/// signed.
@Suite struct NonceSourceTests {
    @Test func randomVersion4UUIDs() throws {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let nonce = try NonceSource.system.next()
            let parts = nonce.split(separator: "-").map(\.count)
            #expect(parts == [8, 4, 4, 4, 12] && nonce == nonce.lowercased(), "\(nonce)")
            #expect(nonce.dropFirst(14).first == "4" && "89ab".contains(nonce.dropFirst(19).first!), "version 4, RFC 4122 variant: \(nonce)")
            seen.insert(nonce)
        }
        #expect(seen.count == 1000)
        #expect(try SystemRandom.bytes(64).count == 64)
    }

    @Test func noRandomnessIsAnErrorNeverAFixedNonce() {
        let refused = NonceSource { _ throws(SystemRandom.Unavailable) in throw SystemRandom.Unavailable(description: "getrandom: Function not implemented") }
        #expect(throws: SystemRandom.Unavailable(description: "getrandom: Function not implemented")) { try refused.next() }
        let zeros = NonceSource { count throws(SystemRandom.Unavailable) in [UInt8](repeating: 0, count: count) }
        #expect(throws: SystemRandom.Unavailable.self) { try zeros.next() }
        let short = NonceSource { _ throws(SystemRandom.Unavailable) in [1, 2, 3] }
        #expect(throws: SystemRandom.Unavailable.self) { try short.next() }
    }

    /// The client sends nothing when it cannot make a nonce, and says why.
    @Test func aClientWithoutRandomnessSendsNothing() async throws {
        let transport = FakeTransport { _, _ in FakeTransport.json(ClientTests.quota) }
        let client = VODClient(
            configuration: VODClientConfiguration(retryPolicy: RetryPolicy(maxAttempts: 4)),
            credentials: StaticCredentialsProvider(ClientTests.key, sourceDescription: "test"),
            transport: transport, gate: RequestGate(maxQPS: 1000, burst: 1000, maxConcurrent: 4, time: ManualTime()), time: ManualTime(),
            nonce: { () throws(SystemRandom.Unavailable) in throw SystemRandom.Unavailable(description: "the system's random source is unavailable") })
        do {
            _ = try await client.call(DescribeVodRefreshQuota())
            Issue.record("a request was made without a nonce")
        } catch {
            #expect(error.description.contains("not signed: the system's random source is unavailable"), "\(error)")
            #expect(error.resultLabel == "transport_error", "counted as a call that got no answer")
        }
        #expect(transport.requests.isEmpty, "nothing sent, and no retry")
    }
}
