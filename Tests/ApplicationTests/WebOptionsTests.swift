import Application
import Flags
import Testing
import WebServer

@Suite struct WebOptionsTests {
    private func options(_ arguments: [String]) throws(UsageError) -> WebOptions {
        try WebOptions(try FlagParser.parse(arguments, environment: [:], flags: WebOptions.flags))
    }

    @Test func defaults() throws {
        let web = try options([])
        #expect(web.server.listenAddress == ListenAddress(host: nil, port: 10790))
        #expect(web.telemetryPath == "/metrics" && web.basicAuth == nil)
        #expect(web.server.headTimeout == 10 && web.server.idleTimeout == 120 && web.server.maxConnections == 2048)
    }

    @Test(arguments: [
        ["--web.listen-address", "9100"], ["--web.telemetry-path", "metrics"], ["--web.telemetry-path", "/-/ready"],
        ["--web.telemetry-path", "/"], ["--web.telemetry-path", "/a b"], ["--web.basic-auth.username", "u"],
        ["--web.basic-auth.password-file", "/p"], ["--web.basic-auth.username", "a:b", "--web.basic-auth.password-file", "/p"],
        ["--web.max-connections", "0"], ["--web.idle-timeout", "0s"],
    ])
    func invalid(arguments: [String]) {
        #expect(throws: UsageError.self) { try options(arguments) }
    }

    @Test func basicAuthAndPath() throws {
        let web = try options(["--web.telemetry-path", "/vod/metrics", "--web.basic-auth.username", "prom", "--web.basic-auth.password-file", "/run/secret"])
        #expect(web.telemetryPath == "/vod/metrics")
        #expect(web.basicAuth?.username == "prom" && web.basicAuth?.passwordFile == "/run/secret")
    }
}
