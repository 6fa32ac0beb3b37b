import Agent
import Application
import Flags
import Foundation
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

    /// Committed bandwidths in the units contracts use, for the account or a domain.
    @Test func committedBandwidthsAndPrices() throws {
        let parsed = try options(["--usage.committed-bandwidth", "800Mbit/s,video.example.com=1.5 Gbit/s", "--usage.committed-bandwidth", "Shop.example.com=200kbit/s"])
        #expect(parsed.agent.usage.committed == [CommittedBandwidth(domain: nil, bitsPerSecond: 800e6),
                                                 CommittedBandwidth(domain: "video.example.com", bitsPerSecond: 1.5e9),
                                                 CommittedBandwidth(domain: "shop.example.com", bitsPerSecond: 200e3)])
        #expect(parsed.agent.collectors.contains(.usage) && parsed.agent.usageInterval == 3600)
        #expect(try !options(["--no-collector.usage"]).agent.collectors.contains(.usage))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"currency": "USD", "method": "95th-percentile", "overseas": [{"price": 3}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try options(["--usage.price-file", path]).agent.usage.prices?.currency == "USD")
        try #"{"currency": "USD", "method": "monthly"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try options(["--usage.price-file", path])
            Issue.record("a price file with an unknown method was accepted")
        } catch {
            #expect(error.message.hasPrefix("--usage.price-file \(path): $.method"), "\(error.message)")
        }
    }

    @Test(arguments: [
        (["--usage.committed-bandwidth", "800"], "is not a rate such as 800Mbit/s"),
        (["--usage.committed-bandwidth", "800Mbps"], "is not a rate such as 800Mbit/s"),
        (["--usage.committed-bandwidth", "0Mbit/s"], "is not a rate such as 800Mbit/s"),
        (["--usage.committed-bandwidth", "-5Mbit/s"], "is not a rate such as 800Mbit/s"),
        (["--usage.committed-bandwidth", "=5Mbit/s"], "is not a rate such as 800Mbit/s"),
        (["--usage.committed-bandwidth", "not a domain=5Mbit/s"], "is not DOMAIN=RATE with a domain name"),
        (["--usage.committed-bandwidth", "1Gbit/s,2Gbit/s"], "the account is given twice"),
        (["--usage.committed-bandwidth", "1Gbit/s", "--shard", "1/3"], "needs every domain in one agent"),
        (["--usage.price-file", "/nonexistent/prices.json"], "--usage.price-file:"),
        (["--collector.usage.interval", "1m"], "--collector.usage.interval"),
    ])
    func usageMistakesAreNamed(arguments: [String], message: String) {
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
