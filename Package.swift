// swift-tools-version:6.0
import PackageDescription

/// Settings shared by every target: Swift 6 language mode comes with the tools version;
/// `ExistentialAny` keeps protocol-typed values explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "vodcdn-exporter",
    products: [
        .executable(name: "vodcdn-exporter", targets: ["vodcdn-exporter"]),
        .library(name: "VODAPI", targets: ["VODAPI"]),
    ],
    targets: [
        // HTTP client plumbing every outbound caller shares: the transport protocol, requests, the
        // libcurl transport, client TLS, transport errors, the time source (injected in tests).
        .target(name: "HTTPClient", dependencies: ["CCurl", "Primitives"], swiftSettings: swiftSettings),
        // The Alibaba Cloud VOD API client: signing, operations, decoding, the credential chain,
        // retries and the rate gate.
        .target(name: "VODAPI", dependencies: ["HTTPClient", "Crypto", "Primitives"], swiftSettings: swiftSettings),
        // The system libcurl (libcurl.so.4, which FoundationNetworking needs too), loaded at run
        // time through a small C face of our own: no development headers needed to build.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),
        // The system OpenSSL 3 (libssl.so.3), loaded at run time the same way, for TLS on the listener.
        .target(name: "CTLS", linkerSettings: [.linkedLibrary("dl")]),
        // The revision, branch, date, user and Swift version the release build stamps in
        // (scripts/build-release passes them as -D defines; "unknown" otherwise).
        .target(name: "CBuildInfo"),
        // The command line as the C library got it (argc, argv), which needs no /proc.
        .target(name: "CProcessArguments"),
        // What only full Foundation had, for product code that imports FoundationEssentials at
        // most: Base64, hex, dates, durations, FNV-1a, and the C library's files, streams, sleeps.
        .target(name: "Primitives", swiftSettings: swiftSettings),
        // SHA-1, SHA-256, HMAC, bcrypt and constant-time comparison: written here, tested on
        // published vectors; depends on nothing.
        .target(name: "Crypto", swiftSettings: swiftSettings),
        // The system zlib, for gzip-encoded responses (Debian: zlib1g-dev).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The metric model, text 0.0.4 / OpenMetrics rendering, snapshots, gzip, process metrics.
        // Gzip with the system zlib: members built from independently deflated segments, and a
        // decoder (the listener's responses, the simulator's log files).
        .target(name: "Gzip", dependencies: ["CZlib", "Primitives"], swiftSettings: swiftSettings),
        .target(name: "Exposition", dependencies: ["Gzip", "Primitives"], swiftSettings: swiftSettings),
        // Command-line flags in Prometheus style, each also settable from the environment.
        .target(name: "Flags", dependencies: ["Primitives"], swiftSettings: swiftSettings),
        // Prometheus remote write 1.0: the WriteRequest protobuf and snappy, written here; the
        // sender, and the on-disk queue of what a receiver has not yet taken.
        .target(name: "RemoteWrite", dependencies: ["HTTPClient", "Exposition", "Lifecycle", "Logging", "Primitives"], swiftSettings: swiftSettings),
        // Leveled key/value logging to standard error (logfmt or JSON).
        .target(name: "Logging", dependencies: ["Primitives"], swiftSettings: swiftSettings),
        // Services and the group that runs them: started together, stopped in reverse order on
        // SIGTERM within one bound (the shape of swift-service-lifecycle, no package).
        .target(name: "Lifecycle", dependencies: ["Logging"], swiftSettings: swiftSettings),
        // The HTTP/1.1 listener: request parsing, routes, basic auth, Dispatch-driven sockets.
        .target(name: "WebServer", dependencies: ["CTLS", "Crypto", "Logging", "Primitives"], swiftSettings: swiftSettings),
        // The exporter's routes on the listener: /metrics with negotiation and gzip, the health
        // endpoints, the landing page.
        .target(name: "MetricsServing", dependencies: ["WebServer", "Exposition"], swiftSettings: swiftSettings),
        // The agent: the settled-bucket ledger, domain selection, collectors, scheduling, state.
        .target(
            name: "Agent",
            dependencies: ["HTTPClient", "VODAPI", "Exposition", "Lifecycle", "Logging", "Primitives", "RemoteWrite"],
            swiftSettings: swiftSettings
        ),
        // A faithful stand-in for the VOD API: signatures, typing quirks, data delay, faults.
        .target(name: "Simulator", dependencies: ["HTTPClient", "VODAPI", "WebServer", "Gzip", "Logging", "Primitives"], swiftSettings: swiftSettings),
        // The commands of the binary: the agent, demo, simulate and the operator CLI.
        .target(
            name: "Application",
            dependencies: ["Agent", "Simulator", "HTTPClient", "VODAPI", "Exposition", "Lifecycle", "Logging", "WebServer", "MetricsServing", "Flags", "Primitives", "RemoteWrite", "CBuildInfo", "CProcessArguments"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "vodcdn-exporter",
            dependencies: ["Application"],
            swiftSettings: swiftSettings
        ),
        // The helper scripts/bench drives: synthetic series served and rendered, agent cycles
        // against the simulator. Not part of the product.
        .executableTarget(
            name: "vodcdn-bench",
            dependencies: ["Agent", "Application", "Simulator", "Exposition", "WebServer", "MetricsServing", "HTTPClient", "VODAPI", "Logging", "RemoteWrite"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VODAPITests",
            dependencies: ["HTTPClient", "Crypto", "VODAPI", "Primitives", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LifecycleTests",
            dependencies: ["Lifecycle", "Logging"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPClientTests",
            dependencies: ["HTTPClient"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CryptoTests",
            dependencies: ["Crypto", "Primitives", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PrimitivesTests",
            dependencies: ["Primitives"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ExpositionTests",
            dependencies: ["Exposition", "Gzip", "TestSupport"],
            resources: [.copy("Golden")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RemoteWriteTests",
            dependencies: ["RemoteWrite", "HTTPClient", "Primitives", "Exposition", "Logging", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebServerTests",
            dependencies: ["WebServer", "MetricsServing", "Exposition", "Gzip", "Logging", "Crypto", "Primitives", "HTTPClient", "VODAPI", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgentTests",
            dependencies: ["Agent", "Simulator", "WebServer", "HTTPClient", "VODAPI", "Exposition", "Lifecycle", "Logging", "Primitives", "RemoteWrite", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["Simulator", "HTTPClient", "VODAPI", "WebServer", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ApplicationTests",
            dependencies: ["Agent", "Application", "Crypto", "Flags", "Primitives", "HTTPClient", "VODAPI", "WebServer", "TestSupport", "vodcdn-exporter"],
            // Read from the source tree by the JSON shape test (#filePath), not bundled.
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        // Helpers shared by the test targets (running external tools, seeded randomness,
        // virtual time).
        .target(name: "TestSupport", dependencies: ["Primitives", "HTTPClient", "VODAPI", "RemoteWrite"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
    ]
)
