import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Primitives
import Simulator
import VODAPI
import WebServer

/// `vodcdn-exporter demo`: the simulator and the agent against it, on loopback, with every
/// collector on: realistic metrics within seconds and no cloud account.
enum DemoCommand {
    /// About the simulator's domains' 95th percentile together: the burst budget is in play.
    static let committedBandwidth = "200Mbit/s"
    /// The README's sample price file.
    static let samplePrices = """
        {"currency": "CNY", "method": "traffic",
         "domestic": [{"up_to": 10240, "price": 0.24}, {"up_to": 51200, "price": 0.23}, {"up_to": 512000, "price": 0.21}, {"price": 0.18}],
         "overseas": [{"price": 0.5}]}
        """

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("""
                \(ProductVersion.name) demo [AGENT FLAGS]

                Starts the VOD API simulator on a free loopback port and the agent against it, with
                every collector on, a committed bandwidth of \(committedBandwidth) and the README's sample
                prices (for the usage figures), and prints the metrics URL. Ctrl-C stops both.
                Agent flags are accepted (see \(ProductVersion.name) --help); the listener defaults to 127.0.0.1:\(WebOptions.defaultPort).
                """)
            return ExitStatus.success
        }
        let configuration = SimulatorConfiguration()
        let simulator = SimulatorServer(configuration: configuration, listenAddress: ListenAddress(host: "127.0.0.1", port: 0))
        do {
            try simulator.start()
        } catch {
            ExporterMain.writeError("\(ProductVersion.name) demo: cannot start the simulator: \(error.description)\n")
            return ExitStatus.failure
        }
        defer { simulator.stop() }
        var agentArguments = [
            "--aliyun.endpoint", simulator.endpoint,
            "--collector.origin", "--collector.hitratio", "--collector.requests", "--collector.realtime",
            "--api.max-qps", "50",
        ]
        if !arguments.contains(where: { $0.hasPrefix("--web.listen-address") }) {
            agentArguments += ["--web.listen-address", "127.0.0.1:\(WebOptions.defaultPort)"]
        }
        // The usage row shows a burst budget and an estimated cost: a commitment and the README's
        // sample prices, unless the flags give their own.
        if !arguments.contains(where: { $0.hasPrefix("--usage.committed-bandwidth") }) {
            agentArguments += ["--usage.committed-bandwidth", Self.committedBandwidth]
        }
        var pricePath: String?
        if !arguments.contains(where: { $0.hasPrefix("--usage.price-file") }) {
            let path = FileSystem.join(environment["TMPDIR"] ?? "/tmp", "vodcdn-demo-prices-\(getpid()).json")
            if (try? DurableFile.write(Array(Self.samplePrices.utf8), to: path)) != nil {
                agentArguments += ["--usage.price-file", path]
                pricePath = path
            }
        }
        defer { if let pricePath { try? FileSystem.remove(pricePath) } }
        var agentEnvironment = environment.filter { !$0.key.hasPrefix("ALIBABA_CLOUD_") && !$0.key.hasPrefix("VODCDN_") }
        agentEnvironment["ALIBABA_CLOUD_ACCESS_KEY_ID"] = configuration.accessKeyId
        agentEnvironment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = configuration.accessKeySecret
        return await ExporterMain.runAgent(agentArguments + arguments, environment: agentEnvironment, announce: { url in
            print("""
                vodcdn-exporter demo: the agent polls the built-in VOD API simulator (\(simulator.endpoint)) for \(configuration.domains.count) domains.
                  metrics:   \(url)
                  simulator: \(simulator.endpoint)/-/simulator  (faults: curl -X POST '\(simulator.endpoint)/-/simulator/faults?set=throttle:0.5')
                Press Ctrl-C to stop.
                """)
            StandardStreams.flushOutput()
        })
    }
}
