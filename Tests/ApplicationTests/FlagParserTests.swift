import Flags
import Primitives
import Testing

@Suite struct FlagParserTests {
    static let address = Flag.string("web.listen-address", default: ":10790", help: "h")
    static let domain = Flag.list("domain", help: "h")
    static let lookback = Flag.duration("data.lookback", default: 3600, atLeast: 300, atMost: 86_400, help: "h")
    static let qps = Flag.number("api.max-qps", default: 10, in: 0.1...1000, help: "h")
    static let shards = Flag.optionalInteger("shard.count", in: 1...64, help: "h")
    static let realtime = Flag.boolean("collector.realtime", default: false, help: "h")
    static let file = Flag.optionalString("state.file", help: "h")
    static let format = Flag.choice("log.format", default: "logfmt", expected: "logfmt or json", help: "h") { ["logfmt", "json"].contains($0) ? $0 : nil }
    static let flags: [any FlagDeclaration] = [address, domain, lookback, qps, shards, realtime, file, format]

    private func parse(_ arguments: [String], _ environment: [String: String] = [:], positionals: Bool = false) throws(UsageError) -> FlagValues {
        try FlagParser.parse(arguments, environment: environment, flags: Self.flags, allowsPositionals: positionals)
    }

    @Test func bothSpellingsDefaultsAndRepeats() throws {
        let flags = try parse(["--web.listen-address", ":1", "--domain=a.example.com", "--domain", "b.example.com", "--collector.realtime", "--data.lookback=90m"])
        #expect(try flags.value(Self.address) == ":1")
        #expect(try flags.value(Self.domain) == ["a.example.com", "b.example.com"])
        #expect(try flags.value(Self.realtime))
        #expect(try flags.value(Self.lookback) == 5400)
        #expect(try flags.value(Self.qps) == 10)
        #expect(try flags.value(Self.shards) == nil)
        #expect(try flags.value(Self.file) == nil)
        #expect(try flags.value(Self.format) == "logfmt")
        #expect(!flags.isSet(Self.qps) && flags.isSet(Self.domain))
    }

    /// Defaults are typed values; `--help` shows them in the notation a user would type.
    @Test func defaultsAreShownAsTyped() {
        #expect(Self.lookback.definition.defaultValue == "1h")
        #expect(Self.qps.definition.defaultValue == "10")
        #expect(Self.realtime.definition.defaultValue == "false")
        #expect(Flag.list("spike", default: ["a", "b"], help: "h").definition.defaultValue == "a,b")
        #expect(Self.domain.definition.isRepeatable && !Self.address.definition.isRepeatable)
    }

    /// Repeated values that are themselves comma-separated lists read as one list of items.
    @Test func listsSplitEachValueAtCommas() throws {
        let flags = try parse(["--domain", "a.example.com, b.example.com,", "--domain", " c.example.com", "--domain", ","])
        #expect(try flags.value(Self.domain) == ["a.example.com", "b.example.com", "c.example.com"])
        #expect(try parse([]).value(Self.domain).isEmpty)
        #expect(try FlagParser.parse([], environment: [:], flags: []).value(Flag.list("spike", default: ["x"], help: "h")) == ["x"])
    }

    @Test func environmentIsBelowTheCommandLine() throws {
        let environment = ["VODCDN_WEB_LISTEN_ADDRESS": ":2", "VODCDN_DOMAIN": "a.example.com, b.example.com,", "VODCDN_API_MAX_QPS": "5",
                           "VODCDN_COLLECTOR_REALTIME": "true"]
        let flags = try parse(["--api.max-qps", "7"], environment)
        #expect(try flags.value(Self.address) == ":2")
        #expect(try flags.value(Self.domain) == ["a.example.com", "b.example.com"])
        #expect(try flags.value(Self.qps) == 7)
        #expect(try flags.value(Self.realtime))
        #expect(try !parse(["--no-collector.realtime"], environment).value(Self.realtime))
    }

    /// Command-line-only flags ignore their variable and say so.
    @Test func commandLineOnlyFlagsIgnoreTheEnvironment() throws {
        let force = Flag.boolean("force", default: false, commandLineOnly: true, help: "h")
        let flags = try FlagParser.parse([], environment: ["VODCDN_FORCE": "true"], flags: [force])
        #expect(try !flags.value(force))
        #expect(flags.ignoredEnvironment == ["VODCDN_FORCE"])
        #expect(try FlagParser.parse(["--force"], environment: [:], flags: [force]).value(force))
    }

    @Test(arguments: [
        (["--web.listen-adress", ":1"], "unknown flag --web.listen-adress; did you mean --web.listen-address?"),
        (["--zzz"], "unknown flag --zzz"),
        (["-v"], "unknown flag -v (flags are written --name or --name=value)"),
        (["--web.listen-address"], "flag --web.listen-address needs a value (VALUE)"),
        (["--web.listen-address", ":1", "--web.listen-address", ":2"], "flag --web.listen-address is given more than once"),
        (["stray"], "unexpected argument \"stray\""),
    ])
    func usageErrors(arguments: [String], message: String) {
        #expect(throws: UsageError(message)) { try parse(arguments) }
    }

    @Test func badValuesNameTheirSource() throws {
        #expect(throws: UsageError("--data.lookback: \"1 hour\" is not a duration of at least 5m and at most 1d such as 5m, 15m or 1h")) {
            try parse(["--data.lookback", "1 hour"]).value(Self.lookback)
        }
        #expect(throws: UsageError("--data.lookback: \"2d\" is not a duration of at least 5m and at most 1d such as 5m, 15m or 1h")) {
            try parse(["--data.lookback", "2d"]).value(Self.lookback)
        }
        #expect(throws: UsageError("$VODCDN_SHARD_COUNT: \"two\" is not an integer from 1 to 64")) {
            try parse([], ["VODCDN_SHARD_COUNT": "two"]).value(Self.shards)
        }
        #expect(throws: UsageError("--shard.count: \"65\" is not an integer from 1 to 64")) {
            try parse(["--shard.count", "65"]).value(Self.shards)
        }
        #expect(throws: UsageError("--collector.realtime: \"maybe\" is not true or false")) {
            try parse(["--collector.realtime=maybe"]).value(Self.realtime)
        }
        #expect(throws: UsageError("--log.format: \"xml\" is not logfmt or json")) {
            try parse(["--log.format", "xml"]).value(Self.format)
        }
        #expect(throws: UsageError("--api.max-qps: \"nan\" is not a number from 0.1 to 1000")) {
            try parse(["--api.max-qps", "nan"]).value(Self.qps)
        }
    }

    @Test func positionalsWhenAllowed() throws {
        let flags = try parse(["https://a/x", "--domain", "d", "--", "--not-a-flag"], positionals: true)
        #expect(flags.positionals == ["https://a/x", "--not-a-flag"])
    }

    @Test(arguments: [("0", 0.0), ("30s", 30), ("15m", 900), ("1h30m", 5400), ("250ms", 0.25), ("2d", 172_800), ("1w", 604_800)])
    func durations(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "1", "h", "1x", "-1s", "1.5h", "1h 30m", "s1"])
    func badDurations(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }

    @Test func durationFormatting() {
        #expect(DurationText.format(3600) == "1h")
        #expect(DurationText.format(5400) == "1h30m")
        #expect(DurationText.format(0.25) == "250ms")
        #expect(DurationText.format(0) == "0s")
    }

    @Test func usageListsEveryFlag() {
        let text = UsageText.flags(Self.flags)
        for definition in Self.flags.map(\.definition) {
            #expect(text.contains("--\(definition.name)") && text.contains(definition.environmentVariable))
        }
        #expect(text.contains("(default: 1h)"))
    }
}
