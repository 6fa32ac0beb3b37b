import Flags
import Testing

@Suite struct FlagParserTests {
    static let definitions = [
        FlagDefinition("web.listen-address", default: ":10790", help: "h"),
        FlagDefinition("domain", repeatable: true, help: "h"),
        FlagDefinition("data.lookback", .duration, default: "1h", help: "h"),
        FlagDefinition("api.max-qps", .number, default: "10", help: "h"),
        FlagDefinition("shard.count", .integer, help: "h"),
        FlagDefinition("collector.realtime", .boolean, default: "false", help: "h"),
    ]

    private func parse(_ arguments: [String], _ environment: [String: String] = [:], positionals: Bool = false) throws(UsageError) -> FlagValues {
        try FlagParser.parse(arguments, environment: environment, definitions: Self.definitions, allowsPositionals: positionals)
    }

    @Test func bothSpellingsDefaultsAndRepeats() throws {
        let flags = try parse(["--web.listen-address", ":1", "--domain=a.example.com", "--domain", "b.example.com", "--collector.realtime", "--data.lookback=90m"])
        #expect(flags.string("web.listen-address") == ":1")
        #expect(flags.strings("domain") == ["a.example.com", "b.example.com"])
        #expect(try flags.boolean("collector.realtime"))
        #expect(try flags.duration("data.lookback") == 5400)
        #expect(try flags.number("api.max-qps") == 10)
        #expect(try flags.integer("shard.count") == nil)
        #expect(!flags.isSet("api.max-qps") && flags.isSet("domain"))
    }

    /// Repeated values that are themselves comma-separated lists read as one list of items.
    @Test func listsSplitEachValueAtCommas() throws {
        let flags = try parse(["--domain", "a.example.com, b.example.com,", "--domain", " c.example.com", "--domain", ","])
        #expect(flags.strings("domain") == ["a.example.com, b.example.com,", " c.example.com", ","])
        #expect(flags.list("domain") == ["a.example.com", "b.example.com", "c.example.com"])
        #expect(try parse([]).list("domain").isEmpty)
    }

    @Test func environmentIsBelowTheCommandLine() throws {
        let environment = ["VODCDN_WEB_LISTEN_ADDRESS": ":2", "VODCDN_DOMAIN": "a.example.com, b.example.com,", "VODCDN_API_MAX_QPS": "5",
                           "VODCDN_COLLECTOR_REALTIME": "true"]
        let flags = try parse(["--api.max-qps", "7"], environment)
        #expect(flags.string("web.listen-address") == ":2")
        #expect(flags.strings("domain") == ["a.example.com", "b.example.com"])
        #expect(try flags.number("api.max-qps") == 7)
        #expect(try flags.boolean("collector.realtime"))
        #expect(try !parse(["--no-collector.realtime"], environment).boolean("collector.realtime"))
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
        #expect(throws: UsageError("--data.lookback: \"1 hour\" is not a duration such as 30s, 15m or 1h")) {
            try parse(["--data.lookback", "1 hour"]).duration("data.lookback")
        }
        #expect(throws: UsageError("$VODCDN_SHARD_COUNT: \"two\" is not an integer from 1 to 64")) {
            try parse([], ["VODCDN_SHARD_COUNT": "two"]).integer("shard.count", in: 1...64)
        }
        #expect(throws: UsageError("--collector.realtime: \"maybe\" is not true or false")) {
            try parse(["--collector.realtime=maybe"]).boolean("collector.realtime")
        }
        #expect(throws: UsageError.self) { try parse(["--api.max-qps", "nan"]).number("api.max-qps") }
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
        let text = UsageText.flags(Self.definitions)
        for definition in Self.definitions {
            #expect(text.contains("--\(definition.name)") && text.contains(definition.environmentVariable))
        }
        #expect(text.contains("(default: 1h)"))
    }
}
