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

    /// Remote write's flags are checked at start, each mistake named.
    @Test(arguments: [
        (["--remote-write.url", "http://r/api/v1/write"], "needs --state.file"),
        (["--state.file", "/tmp/s.json", "--remote-write.url", "r:9090/api/v1/write"], "is not an http:// or https:// URL"),
        (["--state.file", "/tmp/s.json", "--remote-write.url", "http://r/w", "--remote-write.header", "X-Scope-OrgID team"], "is not NAME: VALUE"),
        (["--state.file", "/tmp/s.json", "--remote-write.url", "http://r/w", "--remote-write.header", "Authorization: Bearer x"], "a header other than Authorization"),
        (["--state.file", "/tmp/s.json", "--remote-write.url", "http://r/w", "--remote-write.tls.cert-file", "/etc/hostname"], "go together"),
        (["--state.file", "/tmp/s.json", "--remote-write.url", "http://r/w", "--remote-write.tls.ca-file", "/nonexistent/ca.pem"], "is not an existing file"),
        (["--state.file", "/tmp/s.json", "--remote-write.url", "http://r/w", "--remote-write.bearer-token-file", "/nonexistent/token"],
         "--remote-write.bearer-token-file: cannot read /nonexistent/token"),
        (["--state.file", "/tmp/s.json", "--remote-write.url", "http://r/w", "--remote-write.basic-auth.username", "u"], "go together"),
        (["--state.file", "/tmp/s.json", "--remote-write.url", "http://r/w", "--remote-write.queue-limit", "100"], "is not an integer from 10000"),
    ])
    func remoteWriteMistakesAreNamed(arguments: [String], message: String) {
        do {
            _ = try options(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func remoteWriteTurnsOnTimestampedSamples() throws {
        #expect(try !options([]).agent.sendsTimestampedSamples)
        let on = try options(["--state.file", "/tmp/s.json", "--remote-write.url", "https://mimir.example.com/api/v1/push",
                              "--remote-write.header", "X-Scope-OrgID: team-a"])
        #expect(on.agent.sendsTimestampedSamples)
    }
}
