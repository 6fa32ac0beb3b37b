import Exposition
import VODAPI

/// Builds the agent's metric families from a view of its state. Pure: the metrics contract
/// (`docs/metrics.md`) lives here.
public enum AgentMetrics {
    /// What the families are built from: values the engine keeps, each whole.
    public struct View: Sendable {
        /// The records of the selected domains.
        public var records: [String: DomainRecord]
        public var domains: DomainSummary
        public var account: AccountFigures
        public var quality: DataQuality
        public var health: HealthSummary
        public var status: OperationalStatus
    }

    struct CounterFamily {
        let kind: CounterKind
        let name: String
        let unit: String?
        let help: String
        let newestBucketGauge: (name: String, help: String)?
    }

    struct GaugeFamily {
        let kind: GaugeKind
        let name: String
        let unit: String?
        let help: String
        let hasArea: Bool
    }

    static let counterFamilies: [CounterFamily] = [
        CounterFamily(kind: .traffic, name: "aliyun_vod_traffic_bytes_total", unit: "bytes",
                      help: "Bytes served, summed over settled 5-minute buckets, each counted once, plus upward revisions (DescribeVodDomainTrafficData).",
                      newestBucketGauge: ("aliyun_vod_interval_traffic_bytes", "Bytes served in the newest settled 5-minute bucket (DescribeVodDomainTrafficData).")),
        CounterFamily(kind: .httpsTraffic, name: "aliyun_vod_https_traffic_bytes_total", unit: "bytes",
                      help: "HTTPS bytes served, summed over settled 5-minute buckets, each counted once, plus upward revisions.",
                      newestBucketGauge: ("aliyun_vod_interval_https_traffic_bytes", "HTTPS bytes served in the newest settled 5-minute bucket.")),
        CounterFamily(kind: .originTraffic, name: "aliyun_vod_origin_traffic_bytes_total", unit: "bytes",
                      help: "Back-to-origin bytes, summed over settled 5-minute buckets (DescribeVodDomainSrcTrafficData; collector origin).",
                      newestBucketGauge: ("aliyun_vod_interval_origin_traffic_bytes", "Back-to-origin bytes in the newest settled 5-minute bucket (collector origin).")),
        CounterFamily(kind: .httpsOriginTraffic, name: "aliyun_vod_https_origin_traffic_bytes_total", unit: "bytes",
                      help: "HTTPS back-to-origin bytes, summed over settled 5-minute buckets (collector origin).", newestBucketGauge: nil),
        CounterFamily(kind: .requests, name: "aliyun_vod_requests_total", unit: nil,
                      help: "Requests, summed over settled 5-minute buckets (DescribeVodDomainQpsData request counts; collector requests).", newestBucketGauge: nil),
        CounterFamily(kind: .httpsRequests, name: "aliyun_vod_https_requests_total", unit: nil,
                      help: "HTTPS requests, summed over settled 5-minute buckets (collector requests).", newestBucketGauge: nil),
    ]

    static let gaugeFamilies: [GaugeFamily] = [
        GaugeFamily(kind: .bandwidth, name: "aliyun_vod_bandwidth_bytes_per_second", unit: "bytes_per_second",
                    help: "Peak bandwidth of the newest settled 5-minute bucket in bytes/s (DescribeVodDomainBpsData bit/s divided by 8).", hasArea: true),
        GaugeFamily(kind: .httpsBandwidth, name: "aliyun_vod_https_bandwidth_bytes_per_second", unit: "bytes_per_second",
                    help: "HTTPS peak bandwidth of the newest settled 5-minute bucket in bytes/s.", hasArea: true),
        GaugeFamily(kind: .originBandwidth, name: "aliyun_vod_origin_bandwidth_bytes_per_second", unit: "bytes_per_second",
                    help: "Back-to-origin bandwidth of the newest settled 5-minute bucket in bytes/s (DescribeVodDomainSrcBpsData; collector origin).", hasArea: true),
        GaugeFamily(kind: .httpsOriginBandwidth, name: "aliyun_vod_https_origin_bandwidth_bytes_per_second", unit: "bytes_per_second",
                    help: "HTTPS back-to-origin bandwidth of the newest settled 5-minute bucket in bytes/s (collector origin).", hasArea: true),
        GaugeFamily(kind: .byteHitRatio, name: "aliyun_vod_byte_hit_ratio", unit: "ratio",
                    help: "Byte hit ratio (0-1) of the newest settled 5-minute bucket (DescribeVodDomainHitRateData; collector hitratio).", hasArea: false),
        GaugeFamily(kind: .httpsByteHitRatio, name: "aliyun_vod_https_byte_hit_ratio", unit: "ratio",
                    help: "HTTPS byte hit ratio (0-1) of the newest settled 5-minute bucket (collector hitratio).", hasArea: false),
        GaugeFamily(kind: .requestHitRatio, name: "aliyun_vod_request_hit_ratio", unit: "ratio",
                    help: "Request hit ratio (0-1) of the newest settled 5-minute bucket (DescribeVodDomainReqHitRateData; collector hitratio).", hasArea: false),
        GaugeFamily(kind: .httpsRequestHitRatio, name: "aliyun_vod_https_request_hit_ratio", unit: "ratio",
                    help: "HTTPS request hit ratio (0-1) of the newest settled 5-minute bucket (collector hitratio).", hasArea: false),
        GaugeFamily(kind: .requestRate, name: "aliyun_vod_requests_per_second", unit: nil,
                    help: "Average requests per second in the newest settled 5-minute bucket (DescribeVodDomainQpsData; collector requests).", hasArea: true),
        GaugeFamily(kind: .httpsRequestRate, name: "aliyun_vod_https_requests_per_second", unit: nil,
                    help: "Average HTTPS requests per second in the newest settled 5-minute bucket (collector requests).", hasArea: true),
    ]

    public static func families(_ view: View) throws(MetricDefinitionError) -> [MetricFamily] {
        var families: [MetricFamily] = []
        func add(_ name: String, _ type: MetricType, unit: String? = nil, _ help: String, _ series: [Series]) throws(MetricDefinitionError) {
            guard !series.isEmpty else { return }
            families.append(try MetricFamily(name: name, type: type, help: help, unit: unit, series: series))
        }
        let records = view.records

        for family in counterFamilies {
            let series = records.flatMap { domain, record in
                record.counterEntries.compactMap { entry in
                    entry.kind != family.kind || entry.ledger.cursor == nil
                        ? nil : Series(["domain": domain, "area": entry.area.rawValue], entry.ledger.total)
                }
            }
            try add(family.name, .counter, unit: family.unit, family.help, series)
            if let gauge = family.newestBucketGauge {
                try add(gauge.name, .gauge, unit: family.unit, gauge.help, records.flatMap { domain, record in
                    record.counterEntries.compactMap { entry in
                        entry.kind != family.kind ? nil : entry.ledger.newest.map { Series(["domain": domain, "area": entry.area.rawValue], $0.value) }
                    }
                })
            }
        }
        for family in gaugeFamilies {
            try add(family.name, .gauge, unit: family.unit, family.help, records.flatMap { domain, record in
                record.gaugeEntries.compactMap { entry in
                    entry.kind != family.kind
                        ? nil : Series(family.hasArea ? ["domain": domain, "area": entry.area.rawValue] : ["domain": domain], entry.reading.value)
                }
            })
        }
        try add("aliyun_vod_data_timestamp_seconds", .gauge, unit: "seconds",
                "Start of the bucket the gauges of a source describe (traffic, bandwidth, origin, requests, hitratio: 5-minute buckets; realtime: 1-minute); alert when it lags.",
                records.flatMap { domain, record in
                    [("traffic", record.newestBucket(of: CounterKind.traffic)), ("bandwidth", record.newestBucket(of: GaugeKind.bandwidth)),
                     ("origin", record.newestBucket(of: CounterKind.originTraffic)), ("requests", record.newestBucket(of: CounterKind.requests)),
                     ("hitratio", record.newestBucket(of: GaugeKind.byteHitRatio)), ("realtime", record.realtime?.minute)]
                        .compactMap { source, timestamp in timestamp.map { Series(["domain": domain, "source": source], Double($0)) } }
                })
        try add("aliyun_vod_realtime_bandwidth_bytes_per_second", .gauge, unit: "bytes_per_second",
                "Bandwidth of the newest 1-minute realtime record in bytes/s (DescribeVodDomainRealTimeDetailData; collector realtime).",
                records.compactMap { domain, record in record.realtime?.bytesPerSecond.map { Series(["domain": domain], $0) } })
        try add("aliyun_vod_realtime_requests_per_second", .gauge,
                "Requests per second of the newest 1-minute realtime record (collector realtime).",
                records.compactMap { domain, record in record.realtime?.requestsPerSecond.map { Series(["domain": domain], $0) } })
        try add("aliyun_vod_realtime_responses", .gauge,
                "Responses by HTTP status code in the newest 1-minute realtime record (collector realtime).",
                records.flatMap { domain, record in
                    (record.realtime?.responsesByCode ?? [:]).map { Series(["domain": domain, "code": $0.key], $0.value) }
                })
        if let discovered = view.domains.discovered {
            try add("aliyun_vod_domain_info", .info, "Domains found by DescribeVodUserDomains (online ones), with CNAME and status; always 1.",
                    discovered.map { Series(["domain": $0.name, "cname": $0.cname, "status": $0.status], 1) })
        }
        if let quota = view.account.quota {
            let kinds = [("url", quota.url), ("directory", quota.directory), ("preload", quota.preload)] + (quota.block.map { [("block", $0)] } ?? [])
            try add("aliyun_vod_refresh_quota", .gauge, "Daily refresh and preload quota by kind (DescribeVodRefreshQuota).",
                    kinds.map { Series(["kind": $0.0], $0.1.quota) })
            try add("aliyun_vod_refresh_quota_remaining", .gauge, "Refresh and preload quota left today by kind.",
                    kinds.map { Series(["kind": $0.0], $0.1.remaining) })
        }
        if let counts = view.account.taskCounts {
            try add("aliyun_vod_refresh_tasks", .gauge, "Refresh and preload tasks of the last 3 days by type and status (DescribeVodRefreshTasks).",
                    counts.map { Series(["type": $0.key.type, "status": $0.key.status], Double($0.value)) })
        }
        try add("aliyun_vod_up", .gauge,
                "1 while the latest run of at least one data collector got data from the VOD API and data calls have not stopped, else 0 (bad credentials, unreachable or hung API, no domain list, no domain selected).",
                [Series(.none, view.health.isUp ? 1 : 0)])
        try add("aliyun_vod_exporter_data_call_last_success_timestamp_seconds", .gauge, unit: "seconds",
                "When a data call (any data collector's) last succeeded.", view.health.lastDataCallSuccess.map { [Series(.none, $0)] } ?? [])
        try add("aliyun_vod_exporter_collector_success", .gauge, "1 when every domain (or call) of the collector's latest run finished, else 0.",
                view.health.collectors.map { Series(["collector": $0.key.rawValue], $0.value.lastSucceeded ? 1 : 0) })
        try add("aliyun_vod_exporter_collector_last_success_timestamp_seconds", .gauge, unit: "seconds",
                "When the collector's last fully successful run ended.",
                view.health.collectors.compactMap { collector, health in health.lastSuccess.map { Series(["collector": collector.rawValue], Double($0)) } })
        try add("aliyun_vod_exporter_collector_duration_seconds", .gauge, unit: "seconds",
                "From the first API call of the collector's latest run to its last answer (the spread before the first call not included).",
                view.health.collectors.map { Series(["collector": $0.key.rawValue], $0.value.lastDuration) })
        try add("aliyun_vod_exporter_collector_elapsed_seconds", .gauge, unit: "seconds",
                "From the start of the collector's latest run (its grid point) to its end, the deliberate spread of calls included.",
                view.health.collectors.map { Series(["collector": $0.key.rawValue], $0.value.lastElapsed) })
        try add("aliyun_vod_exporter_collector_runs_total", .counter, "Runs of the collector.",
                view.health.collectors.map { Series(["collector": $0.key.rawValue], Double($0.value.runs)) })
        try add("aliyun_vod_exporter_collector_failures_total", .counter,
                "Work a collector run could not finish (a domain, a realtime call of up to 20 domains, or an account query), by reason: an API result label, deadline, no_domain_list or no_domains.",
                view.health.collectors.flatMap { collector, health in health.failures.map { Series(["collector": collector.rawValue, "reason": $0.key], Double($0.value)) } })
        try add("aliyun_vod_exporter_collector_interval_seconds", .gauge, unit: "seconds", "Seconds between the collector's scheduled runs.",
                view.status.intervals.map { Series(["collector": $0.key.rawValue], Double($0.value)) })
        try add("aliyun_vod_exporter_collector_projected_run_seconds", .gauge, unit: "seconds",
                "How long a run of the collector is projected to take for the selected domains at --api.max-qps; above the interval, runs miss their deadline.",
                view.status.projectedRunSeconds.map { Series(["collector": $0.key.rawValue], $0.value) })
        try add("aliyun_vod_exporter_domains", .gauge,
                "Domains known (discovered: configured or discovered), kept by --domains.include/--domains.exclude (matched: what all shards together cover), and selected for this replica.",
                [Series(["state": "discovered"], Double(view.domains.candidateCount)), Series(["state": "matched"], Double(view.domains.matchedCount)),
                 Series(["state": "selected"], Double(view.domains.selectedCount))])
        try add("aliyun_vod_exporter_shards", .gauge, "N of --shard I/N: how many replicas share the domains; the label shard is this replica's I.",
                [Series(["shard": String(view.domains.shard.index)], Double(view.domains.shard.count))])
        try add("aliyun_vod_exporter_config_last_reload_successful", .gauge,
                "1 when the last reading of the configuration (the domains file, at start and on SIGHUP) succeeded, else 0.",
                [Series(.none, view.status.reload.lastSuccessful ? 1 : 0)])
        if let time = view.status.reload.lastSuccess {
            try add("aliyun_vod_exporter_config_last_reload_success_timestamp_seconds", .gauge, unit: "seconds",
                    "When the configuration was last read successfully.", [Series(.none, Double(time))])
        }
        if let saves = view.status.stateSaves {
            try add("aliyun_vod_exporter_state_save_failures_total", .counter, "Writes of the state file that failed.",
                    [Series(.none, Double(saves.failures))])
            if let time = saves.lastSuccess {
                try add("aliyun_vod_exporter_state_last_save_timestamp_seconds", .gauge, unit: "seconds",
                        "When the state file was last written successfully.", [Series(.none, Double(time))])
            }
        }
        try add("aliyun_vod_exporter_revisions_total", .counter,
                "Changes seen to settled buckets after they were counted, by source and direction; up is added to the counters, down only counted.",
                ["up", "down"].map { Series(["source": "traffic", "direction": $0], Double(view.quality.revisions[$0] ?? 0)) })
        try add("aliyun_vod_exporter_missed_buckets_total", .counter,
                "Settled buckets that fell outside every poll window before being seen (outages longer than the lookback or backfill).",
                [Series(.none, Double(view.quality.missedBuckets))])
        try add("aliyun_vod_exporter_invalid_values_total", .counter,
                "Values from the API that cannot be data (negative, infinite, NaN), treated as absent.",
                [Series(.none, Double(view.quality.invalidValues))])
        if let source = view.status.credentials.source {
            try add("aliyun_vod_exporter_credentials_info", .info, "The credential source in use (the step of the chain that supplied them and its kind); always 1.",
                    [Series(["source": source], 1)])
        }
        if let expiry = view.status.credentials.expiry {
            try add("aliyun_vod_exporter_credentials_expiry_timestamp_seconds", .gauge, unit: "seconds",
                    "When the temporary credentials in use expire (refreshed before).", [Series(.none, Double(expiry))])
        }
        return families
    }
}
