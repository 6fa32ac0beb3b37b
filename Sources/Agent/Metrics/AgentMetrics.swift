import Exposition
import VODAPI

/// Builds the agent's metric families from a view of its state. Pure: the metrics contract
/// (`docs/metrics.md`) lives here.
public enum AgentMetrics {
    /// What the families are built from.
    public struct View: Sendable {
        public var records: [String: DomainRecord]
        public var selected: [String]
        public var discovered: [String: AgentEngine.DomainInfo]?
        public var health: [String: CollectorHealth]
        public var quota: DescribeVodRefreshQuota.Response?
        public var taskCounts: [TaskCountKey: Int]?
        public var isUp: Bool?
        public var revisions: [String: UInt64]
        public var missedBuckets: UInt64
        public var invalidValues: UInt64
        public var credentialsExpiry: Int64?
        public var candidateCount: Int
    }

    public static func families(_ view: View) throws(MetricDefinitionError) -> [MetricFamily] {
        var families: [MetricFamily] = []
        func add(_ name: String, _ type: MetricType, unit: String? = nil, _ help: String, _ series: [Series]) throws(MetricDefinitionError) {
            guard !series.isEmpty else { return }
            families.append(try MetricFamily(name: name, type: type, help: help, unit: unit, series: series))
        }
        let records = view.records.filter { view.selected.contains($0.key) }

        func ledgerSeries(_ ledgers: (DomainRecord) -> [Area: BucketLedger], _ value: (BucketLedger) -> Double?) -> [Series] {
            records.flatMap { domain, record in
                ledgers(record).compactMap { area, ledger in
                    value(ledger).map { Series(["domain": domain, "area": area.rawValue], $0) }
                }
            }
        }
        func gaugeSeries(_ gauges: (DomainRecord) -> [Area: GaugeReading]) -> [Series] {
            records.flatMap { domain, record in
                gauges(record).map { area, reading in Series(["domain": domain, "area": area.rawValue], reading.value) }
            }
        }

        try add("aliyun_vod_traffic_bytes", .gauge, unit: "bytes",
                "Bytes served in the newest settled 5-minute bucket (DescribeVodDomainTrafficData), by domain and area.",
                ledgerSeries(\.traffic) { $0.newest?.value })
        try add("aliyun_vod_traffic_bytes_total", .counter, unit: "bytes",
                "Bytes served, summed over settled 5-minute buckets, each counted once, plus upward revisions (DescribeVodDomainTrafficData).",
                ledgerSeries(\.traffic) { $0.cursor == nil ? nil : $0.total })
        try add("aliyun_vod_https_traffic_bytes", .gauge, unit: "bytes",
                "HTTPS bytes served in the newest settled 5-minute bucket, by domain and area.",
                ledgerSeries(\.httpsTraffic) { $0.newest?.value })
        try add("aliyun_vod_https_traffic_bytes_total", .counter, unit: "bytes",
                "HTTPS bytes served, summed over settled 5-minute buckets, each counted once, plus upward revisions.",
                ledgerSeries(\.httpsTraffic) { $0.cursor == nil ? nil : $0.total })
        try add("aliyun_vod_bandwidth_bytes_per_second", .gauge, unit: "bytes_per_second",
                "Peak bandwidth of the newest settled 5-minute bucket in bytes/s (DescribeVodDomainBpsData bit/s divided by 8).",
                gaugeSeries(\.bandwidth))
        try add("aliyun_vod_https_bandwidth_bytes_per_second", .gauge, unit: "bytes_per_second",
                "HTTPS peak bandwidth of the newest settled 5-minute bucket in bytes/s.", gaugeSeries(\.httpsBandwidth))
        try add("aliyun_vod_data_timestamp_seconds", .gauge, unit: "seconds",
                "Start of the 5-minute bucket the gauges of a source (traffic, bandwidth) describe; alert when it lags.",
                records.flatMap { domain, record in
                    [("traffic", record.trafficTimestamp), ("bandwidth", record.bandwidthTimestamp)].compactMap { source, timestamp in
                        timestamp.map { Series(["domain": domain, "source": source], Double($0)) }
                    }
                })
        if let discovered = view.discovered {
            try add("aliyun_vod_domain_info", .info, "Domains found by DescribeVodUserDomains (online ones), with CNAME and status; always 1.",
                    discovered.filter { view.selected.contains($0.key) }.map { name, info in
                        Series(["domain": name, "cname": info.cname, "status": info.status], 1)
                    })
        }
        if let quota = view.quota {
            let kinds = [("url", quota.url), ("directory", quota.directory), ("preload", quota.preload)] + (quota.block.map { [("block", $0)] } ?? [])
            try add("aliyun_vod_refresh_quota", .gauge, "Daily refresh and preload quota by kind (DescribeVodRefreshQuota).",
                    kinds.map { Series(["kind": $0.0], $0.1.quota) })
            try add("aliyun_vod_refresh_quota_remaining", .gauge, "Refresh and preload quota left today by kind.",
                    kinds.map { Series(["kind": $0.0], $0.1.remaining) })
        }
        if let counts = view.taskCounts {
            try add("aliyun_vod_refresh_tasks", .gauge, "Refresh and preload tasks of the last 3 days by type and status (DescribeVodRefreshTasks).",
                    counts.map { Series(["type": $0.key.type, "status": $0.key.status], Double($0.value)) })
        }
        try add("aliyun_vod_up", .gauge, "1 when the last poll reached the VOD API and authenticated, else 0.",
                [Series(.none, view.isUp == false ? 0 : 1)])
        try add("aliyun_vod_exporter_collector_success", .gauge, "1 when the collector's last poll fully succeeded, else 0.",
                view.health.map { Series(["collector": $0.key], $0.value.lastSucceeded ? 1 : 0) })
        try add("aliyun_vod_exporter_collector_last_success_timestamp_seconds", .gauge, unit: "seconds",
                "When the collector's last fully successful poll ended.",
                view.health.compactMap { name, health in health.lastSuccess.map { Series(["collector": name], Double($0)) } })
        try add("aliyun_vod_exporter_collector_duration_seconds", .gauge, unit: "seconds", "Duration of the collector's last poll.",
                view.health.map { Series(["collector": $0.key], $0.value.lastDuration) })
        try add("aliyun_vod_exporter_domains", .gauge, "Domains known (configured or discovered) and selected for this replica.",
                [Series(["state": "discovered"], Double(view.candidateCount)), Series(["state": "selected"], Double(view.selected.count))])
        try add("aliyun_vod_exporter_revisions_total", .counter,
                "Changes seen to settled buckets after they were counted, by source and direction; up is added to the counters, down only counted.",
                ["up", "down"].map { Series(["source": "traffic", "direction": $0], Double(view.revisions[$0] ?? 0)) })
        try add("aliyun_vod_exporter_missed_buckets_total", .counter,
                "Settled buckets that fell outside every poll window before being seen (outages longer than the lookback or backfill).",
                [Series(.none, Double(view.missedBuckets))])
        try add("aliyun_vod_exporter_invalid_values_total", .counter,
                "Values from the API that cannot be data (negative, infinite, NaN), treated as absent.",
                [Series(.none, Double(view.invalidValues))])
        if let expiry = view.credentialsExpiry {
            try add("aliyun_vod_exporter_credentials_expiry_timestamp_seconds", .gauge, unit: "seconds",
                    "When the temporary credentials in use expire (refreshed before).", [Series(.none, Double(expiry))])
        }
        return families
    }
}
