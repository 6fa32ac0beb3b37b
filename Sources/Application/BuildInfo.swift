import Exposition
import VODAPI

/// The `aliyun_vod_exporter_build_info` family.
enum BuildInfo {
    static var family: MetricFamily {
        do {
            return try MetricFamily(
                name: "aliyun_vod_exporter_build_info", type: .info,
                help: "Version of vodcdn-exporter; the value is always 1.",
                series: [Series(["version": ProductVersion.version], 1)])
        } catch {
            preconditionFailure("invalid build info family: \(error)")
        }
    }
}
