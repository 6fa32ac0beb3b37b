import Application
import Flags
import Testing

@Suite struct AgentOptionsTests {
    private func options(_ arguments: [String]) throws(UsageError) -> AgentOptions {
        try AgentOptions(try FlagParser.parse(arguments, environment: [:], flags: AgentOptions.flags))
    }

    /// One flag bounds both the API calls in flight and the domains polled at once.
    @Test func maxConcurrencyBoundsCallsAndDomains() throws {
        let defaults = try options([])
        #expect(defaults.api.maxConcurrency == 8 && defaults.agent.maxConcurrentDomains == 8)
        let three = try options(["--api.max-concurrency", "3"])
        #expect(three.api.maxConcurrency == 3 && three.agent.maxConcurrentDomains == 3)
        #expect(throws: UsageError.self) { try options(["--api.max-concurrency", "0"]) }
    }
}
