import CBuildInfo
import Exposition
import VODAPI

/// What the build stamped into the binary, for `--version` (in node_exporter's shape) and
/// `aliyun_vod_exporter_build_info`.
enum BuildInfo {
    static let revision = String(cString: vodcdn_build_revision())
    static let branch = String(cString: vodcdn_build_branch())
    static let user = String(cString: vodcdn_build_user())
    static let date = String(cString: vodcdn_build_date())
    /// The toolchain's version as stamped, else the language version the compiler was at least.
    static let swiftVersion: String = {
        let stamped = String(cString: vodcdn_build_swift_version())
        if stamped != "unknown" { return stamped }
        #if compiler(>=6.3)
        return "6.3 or later"
        #else
        return "6.0 or later"
        #endif
    }()

    static var platform: String {
        #if arch(x86_64)
        "linux/amd64"
        #elseif arch(arm64)
        "linux/arm64"
        #else
        "linux/unknown"
        #endif
    }

    /// `--version`: `vodcdn-exporter, version 0.1.0 (branch: main, revision: …)` and the build lines.
    static var versionText: String {
        """
        \(ProductVersion.name), version \(ProductVersion.version) (branch: \(branch), revision: \(revision))
          build user:       \(user)
          build date:       \(date)
          swift version:    \(swiftVersion)
          platform:         \(platform)
        """
    }

    static var family: MetricFamily {
        do {
            return try MetricFamily(
                name: "aliyun_vod_exporter_build_info", type: .info,
                help: "Version, revision, branch and Swift version vodcdn-exporter was built from; the value is always 1.",
                series: [Series(["version": ProductVersion.version, "revision": revision, "branch": branch, "swiftversion": swiftVersion], 1)])
        } catch {
            preconditionFailure("invalid build info family: \(error)")
        }
    }
}
