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
        // The Alibaba Cloud VOD API client: crypto, signing, operations, credentials, transport.
        .target(name: "VODAPI", swiftSettings: swiftSettings),
        .executableTarget(
            name: "vodcdn-exporter",
            dependencies: ["VODAPI"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VODAPITests",
            dependencies: ["VODAPI"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ]
)
