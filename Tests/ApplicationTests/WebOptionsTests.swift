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
        #expect(web.telemetryPath == "/metrics" && web.configFile == nil && !web.protectsProbes)
        #expect(web.server.headTimeout == 10 && web.server.idleTimeout == 120 && web.server.maxConnections == 2048)
        #expect(try options(["--web.config.file", ""]).configFile == nil, "empty is the default, as in every exporter")
    }

    @Test(arguments: [
        ["--web.listen-address", "9100"], ["--web.telemetry-path", "metrics"], ["--web.telemetry-path", "/-/ready"],
        ["--web.telemetry-path", "/"], ["--web.telemetry-path", "/a b"],
        ["--web.max-connections", "0"], ["--web.idle-timeout", "0s"],
    ])
    func invalid(arguments: [String]) {
        #expect(throws: UsageError.self) { try options(arguments) }
    }

    @Test func configFileAndPath() throws {
        let web = try options(["--web.telemetry-path", "/vod/metrics", "--web.config.file", "/etc/vodcdn-exporter/web.yml", "--web.config.protect-probes"])
        #expect(web.telemetryPath == "/vod/metrics")
        #expect(web.configFile == "/etc/vodcdn-exporter/web.yml" && web.protectsProbes)
    }

    /// The old basic-auth flags say what replaced them, on the command line and in the environment,
    /// and `--help` no longer lists them.
    @Test func removedFlagsExplainTheReplacement() throws {
        let message = "use --web.config.file with basic_auth_users (a bcrypt hash: htpasswd -nBC 10 USER); see the README"
        #expect(throws: UsageError("--web.basic-auth.username was removed: \(message)")) { try options(["--web.basic-auth.username", "u"]) }
        #expect(throws: UsageError("$VODCDN_WEB_BASIC_AUTH_PASSWORD_FILE (--web.basic-auth.password-file) was removed: \(message)")) {
            try WebOptions(try FlagParser.parse([], environment: ["VODCDN_WEB_BASIC_AUTH_PASSWORD_FILE": "/p"], flags: WebOptions.flags))
        }
        #expect(!UsageText.flags(WebOptions.flags).contains("basic-auth"))
    }
}
