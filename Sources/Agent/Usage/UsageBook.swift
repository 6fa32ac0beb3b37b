/// What the `usage` collector knows of the current billing month: the agent's own figures (the
/// ``UsageLedger`` fed with each settled bucket once) and the API's billing figures per domain
/// and for the account, as last fetched. Pure.
public struct UsageBook: Sendable, Equatable {
    /// The API's billing figures of one domain, or of the whole account, for a month so far.
    public struct Billed: Sendable, Equatable {
        public var month: BillingMonth
        /// Billing traffic per area (DescribeVodDomainUsageData, `Field=traf`), by the hour.
        public var bytes: [Area: Double]
        /// The month's 95th percentile so far (DescribeVodDomainMax95BpsData, `Cycle=month`), in
        /// all areas and per area; nil when the API has none yet.
        public var percentile95: Double?
        public var areaPercentile95: [Area: Double]

        public init(month: BillingMonth, bytes: [Area: Double], percentile95: Double?, areaPercentile95: [Area: Double]) {
            self.month = month
            self.bytes = bytes
            self.percentile95 = percentile95
            self.areaPercentile95 = areaPercentile95
        }
    }

    public private(set) var ledger: UsageLedger
    /// Per domain, the latest fetch (of this month or an earlier one: read through ``billed(_:)``).
    private(set) var domainsBilled: [String: Billed] = [:]
    private(set) var accountBilled: Billed?

    public init(ledger: UsageLedger) {
        self.ledger = ledger
    }

    /// Records the settled buckets of one domain that are new to the ledger: traffic bytes and
    /// peak bandwidth (bytes/s, as the samples carry it) by area.
    mutating func record(_ samples: [TimestampedSample], domain: String, expected: Set<String>) {
        var buckets: [Int64: UsageLedger.Bucket] = [:]
        for sample in samples {
            guard let area = sample.area else { continue }
            var bucket = buckets[sample.timestamp] ?? UsageLedger.Bucket(start: sample.timestamp, bitsPerSecond: [:], bytes: [:])
            switch sample.family {
            case .traffic: bucket.bytes[area] = sample.value
            case .peakBandwidth: bucket.bitsPerSecond[area] = sample.value * 8
            case .minuteBandwidth, .minuteRequests: continue
            }
            buckets[sample.timestamp] = bucket
        }
        for start in buckets.keys.sorted() {
            ledger.record(buckets[start]!, domain: domain, expected: expected)
        }
    }

    /// Starts a new month at its first second (see ``UsageLedger/advance(to:)``).
    mutating func advance(to time: Int64) {
        ledger.advance(to: time)
    }

    mutating func apply(_ billed: Billed, domain: String?) {
        if let domain { domainsBilled[domain] = billed } else { accountBilled = billed }
    }

    /// The API's figures of `domain` (nil: the account) for the ledger's month; nil when none
    /// were fetched for it yet.
    public func billed(_ domain: String?) -> Billed? {
        let billed = domain.map { domainsBilled[$0] } ?? accountBilled
        return billed?.month == ledger.month ? billed : nil
    }

    /// Forgets the API's figures of domains no longer polled.
    mutating func keepBilled(of domains: Set<String>) {
        domainsBilled = domainsBilled.filter { domains.contains($0.key) }
    }
}
