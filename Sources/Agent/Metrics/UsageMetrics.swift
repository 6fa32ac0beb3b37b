import Exposition

/// The usage collector's families: the current billing month's figures, the API's (`source`
/// `billing`) beside the agent's own (`buckets`), the burst budgets and the estimated cost.
/// Bandwidth in bytes/s like every family of the exporter (the bill's bit/s ÷ 8). Pure: part
/// of the metrics contract (`docs/metrics.md`).
public enum UsageMetrics {
    /// What the families are built from.
    public struct View: Sendable {
        public var book: UsageBook
        public var settings: UsageSettings
        /// The domains polled now (their per-domain series are served; others' are withdrawn).
        public var selected: [String]
        public var now: Int64
        /// `--data.settle-delay`: how far the settled points lag behind now.
        public var settleDelay: Int64
        /// The domains this agent polls together are the whole account (discovery, no pattern,
        /// no shard): its own account figures are comparable with the API's.
        public var pollsWholeAccount: Bool
        /// This agent polls every domain of its list (one shard): its own total is served.
        public var servesTotal: Bool
        /// Shard 0: the API's account figures and the estimated cost are served here.
        public var reportsAccount: Bool

        public init(book: UsageBook, settings: UsageSettings, selected: [String], now: Int64, settleDelay: Int64,
                    pollsWholeAccount: Bool, servesTotal: Bool, reportsAccount: Bool) {
            self.book = book
            self.settings = settings
            self.selected = selected
            self.now = now
            self.settleDelay = settleDelay
            self.pollsWholeAccount = pollsWholeAccount
            self.servesTotal = servesTotal
            self.reportsAccount = reportsAccount
        }
    }

    /// Our 95th percentile is compared with the API's only when our points cover at least this
    /// share of the month so far (an agent started mid-month has not seen the month's peaks).
    public static let reconciliationCoverage = 0.99

    public static func families(_ view: View) throws(MetricDefinitionError) -> [MetricFamily] {
        var families: [MetricFamily] = []
        func add(_ name: String, unit: String? = nil, _ help: String, _ series: [Series]) throws(MetricDefinitionError) {
            guard !series.isEmpty else { return }
            families.append(try MetricFamily(name: name, type: .gauge, help: help, unit: unit, series: series))
        }
        let ledger = view.book.ledger
        let month = ledger.month
        // 5-minute points of the month that have settled by now: what full coverage means.
        let settledPoints = min(max((view.now - view.settleDelay - month.start) / BillingMonth.pointSeconds, 0), Int64(month.pointCount))
        func coverage(_ points: PercentilePoints) -> Double? {
            settledPoints == 0 ? nil : min(1, Double(points.recordedCount) / Double(settledPoints))
        }
        func difference(ours: Double?, billed: Double?, covered: Double?) -> Double? {
            guard let ours, let billed, billed > 0, let covered, covered >= reconciliationCoverage else { return nil }
            return (ours - billed) / billed
        }
        let selected = view.selected.filter { ledger.domains[$0] != nil || view.book.billed($0) != nil }
        let account = view.reportsAccount ? view.book.billed(nil) : nil
        let total = view.servesTotal ? ledger.total : nil

        try add("aliyun_vod_usage_month_elapsed_ratio", unit: "ratio",
                "Share of the current billing month (calendar month, China time) that has passed.",
                [Series(.none, min(1, Double(view.now - month.start) / Double(month.end - month.start)))])

        // Traffic.
        try add("aliyun_vod_usage_traffic_bytes", unit: "bytes",
                "Traffic of the billing month so far by area: source billing from DescribeVodDomainUsageData (what the bill is made from, by the hour, a few hours late), source buckets from the agent's settled 5-minute buckets.",
                selected.flatMap { domain in
                    areaSeries(view.book.billed(domain)?.bytes, ["domain": domain, "source": "billing"])
                        + areaSeries(ledger.domains[domain]?.bytes, ["domain": domain, "source": "buckets"])
                })
        try add("aliyun_vod_usage_account_traffic_bytes", unit: "bytes",
                "Traffic of the billing month so far by area for the account (source billing, shard 0) and for the domains this agent polls together (source buckets, unsharded agents).",
                areaSeries(account?.bytes, ["source": "billing"]) + areaSeries(total?.bytes, ["source": "buckets"]))

        // The 95th percentile, its reconciliation and the day's peak.
        try add("aliyun_vod_usage_bandwidth_p95_bytes_per_second", unit: "bytes_per_second",
                "The billing month's 95th-percentile 5-minute bandwidth so far: source billing from DescribeVodDomainMax95BpsData, source buckets from the agent's settled buckets (the top 5 % of the points so far left out).",
                selected.flatMap { domain in
                    [view.book.billed(domain)?.percentile95.map { Series(["domain": domain, "source": "billing"], $0 / 8) },
                     ledger.domains[domain]?.points.percentile95SoFar.map { Series(["domain": domain, "source": "buckets"], $0.bitsPerSecond / 8) }]
                        .compactMap { $0 }
                })
        try add("aliyun_vod_usage_bandwidth_p95_difference_ratio", unit: "ratio",
                "(ours - billing) / billing of the 95th percentile: our buckets against the bill's figure; served while our points cover the month so far.",
                selected.compactMap { domain in
                    let points = ledger.domains[domain]?.points
                    return difference(ours: points?.percentile95SoFar?.bitsPerSecond, billed: view.book.billed(domain)?.percentile95,
                                      covered: points.flatMap(coverage)).map { Series(["domain": domain], $0) }
                })
        try add("aliyun_vod_usage_coverage_ratio", unit: "ratio",
                "Share of the billing month's settled 5-minute points that the agent has recorded (below 1 when it started mid-month or missed buckets).",
                selected.compactMap { domain in ledger.domains[domain].flatMap { coverage($0.points) }.map { Series(["domain": domain], $0) } })
        try add("aliyun_vod_usage_day_peak_bandwidth_bytes_per_second", unit: "bytes_per_second",
                "The highest 5-minute bandwidth of the billing day (China time) so far, from the settled buckets (the previous day's until the day's first bucket settles).",
                selected.compactMap { domain in
                    ledger.domains[domain].flatMap { $0.peakDay < 0 ? nil : Series(["domain": domain], $0.dayPeak / 8) }
                })
        var accountPercentiles: [Series] = []
        if let account {
            accountPercentiles += account.percentile95.map { [Series(["area": "all", "source": "billing"], $0 / 8)] } ?? []
            accountPercentiles += account.areaPercentile95.map { Series(["area": $0.key.rawValue, "source": "billing"], $0.value / 8) }
        }
        if let total {
            accountPercentiles += total.points.percentile95SoFar.map { [Series(["area": "all", "source": "buckets"], $0.bitsPerSecond / 8)] } ?? []
            accountPercentiles += total.areaPoints.compactMap { area, points in
                points.percentile95SoFar.map { Series(["area": area.rawValue, "source": "buckets"], $0.bitsPerSecond / 8) }
            }
        }
        try add("aliyun_vod_usage_account_bandwidth_p95_bytes_per_second", unit: "bytes_per_second",
                "The billing month's 95th-percentile bandwidth so far, all areas summed (area all) and per area, for the account (source billing, shard 0) and the domains this agent polls together (source buckets, unsharded agents); not to be summed.",
                accountPercentiles)
        if view.pollsWholeAccount, let total {
            try add("aliyun_vod_usage_account_bandwidth_p95_difference_ratio", unit: "ratio",
                    "(ours - billing) / billing of the account's 95th percentile; served when the agent polls the whole account and its points cover the month so far.",
                    difference(ours: total.points.percentile95SoFar?.bitsPerSecond, billed: account?.percentile95, covered: coverage(total.points))
                        .map { [Series(.none, $0)] } ?? [])
        }
        if let total {
            try add("aliyun_vod_usage_account_coverage_ratio", unit: "ratio",
                    "Share of the billing month's settled 5-minute points recorded for the domains this agent polls together.",
                    coverage(total.points).map { [Series(.none, $0)] } ?? [])
            try add("aliyun_vod_usage_account_day_peak_bandwidth_bytes_per_second", unit: "bytes_per_second",
                    "The highest 5-minute bandwidth of the billing day so far per area, the domains this agent polls together.",
                    ledger.totalDayPeak.map { peak in peak.bitsPerSecond.map { Series(["area": $0.key.rawValue], $0.value / 8) } } ?? [])
        }

        try addBurstBudgets(view, total: total, add: add)
        try addEstimate(view, account: account, add: add)
        return families
    }

    private static func areaSeries(_ values: [Area: Double]?, _ labels: [String: String]) -> [Series] {
        (values ?? [:]).map { area, value in
            Series(Labels((labels.merging(["area": area.rawValue]) { $1 }).map { Label($0.key, $0.value) }), value)
        }
    }

    /// The burst budget of each commitment: the account's (no domain label) from the summed
    /// points, a domain's from its own.
    private static func addBurstBudgets(_ view: View, total: UsageLedger.Total?,
                                        add: (String, String?, String, [Series]) throws(MetricDefinitionError) -> Void) throws(MetricDefinitionError) {
        var budgets: [(labels: Labels, points: PercentilePoints, committed: Double)] = []
        for commitment in view.settings.committed.sorted(by: { ($0.domain ?? "") < ($1.domain ?? "") }) {
            if let domain = commitment.domain {
                guard view.selected.contains(domain), let usage = view.book.ledger.domains[domain] else { continue }
                budgets.append((["domain": domain], usage.points, commitment.bitsPerSecond))
            } else if let total {
                budgets.append((.none, total.points, commitment.bitsPerSecond))
            }
        }
        let computed = budgets.map { ($0.labels, $0.points, $0.points.burstBudget(committed: $0.committed)) }
        try add("aliyun_vod_usage_committed_bandwidth_bytes_per_second", "bytes_per_second",
                "The committed 95th-percentile bandwidth (--usage.committed-bandwidth): of the account (no domain label) or of a domain.",
                computed.map { Series($0.0, $0.2.committedBitsPerSecond / 8) })
        try add("aliyun_vod_usage_burst_points_allowed", nil,
                "5-minute points of the billing month that may exceed the committed bandwidth: 5 % of the month's points.",
                computed.map { Series($0.0, Double($0.2.allowed)) })
        try add("aliyun_vod_usage_burst_points_used", nil,
                "5-minute points of the billing month so far above the committed bandwidth (counted up to allowed + 1: past that the 95th percentile is above it).",
                computed.map { Series($0.0, Double($0.2.used)) })
        try add("aliyun_vod_usage_burst_points_projected", nil,
                "Points above the committed bandwidth by the month's end if the rest of the month is like the part so far; above allowed, the 95th percentile is projected to exceed the commitment.",
                computed.map { Series($0.0, Double($0.2.projected)) })
        try add("aliyun_vod_usage_bandwidth_p95_projected_bytes_per_second", "bytes_per_second",
                "The 95th percentile projected for the month's end: the figure so far, never below what the month's points already guarantee.",
                computed.compactMap { labels, points, _ in
                    let projected = [points.percentile95SoFar?.bitsPerSecond, points.percentile95Floor?.bitsPerSecond].compactMap { $0 }.max()
                    return projected.map { Series(labels, $0 / 8) }
                })
    }

    /// The estimated bill of the month (shard 0, with `--usage.price-file`): billing traffic and
    /// 95th percentiles from the API where it has them, else from the buckets of an agent that
    /// polls the whole account; daily peaks from the buckets of such an agent only.
    private static func addEstimate(_ view: View, account: UsageBook.Billed?,
                                    add: (String, String?, String, [Series]) throws(MetricDefinitionError) -> Void) throws(MetricDefinitionError) {
        guard view.reportsAccount, let prices = view.settings.prices else { return }
        let ledger = view.book.ledger
        let ours = view.pollsWholeAccount ? ledger.monthUsage : nil
        let areaPercentiles = account.map { $0.areaPercentile95.isEmpty ? nil : $0.areaPercentile95 } ?? nil
        let usage: MonthUsage?
        switch prices.method {
        case .traffic: usage = (account?.bytes ?? ours?.bytes).map { MonthUsage(bytes: $0) }
        case .percentile95: usage = (areaPercentiles ?? ours?.percentile95).map { MonthUsage(percentile95: $0, validDays: ours?.validDays ?? ledger.month.dayCount) }
        case .peakBandwidth: usage = ours
        }
        guard let usage else { return }
        let estimate = prices.estimate(usage, month: ledger.month, now: view.now)
        try add("aliyun_vod_usage_estimated_cost", nil,
                "An estimate of the billing month's CDN bill from --usage.price-file: so far (period month_to_date) and at the month's end at this pace (period projected). Not the bill: see docs/usage.md for what it leaves out.",
                [("month_to_date", estimate.monthToDate), ("projected", estimate.projected)].map { period, value in
                    Series(["currency": prices.currency, "method": prices.method.rawValue, "period": period], value)
                })
    }
}
