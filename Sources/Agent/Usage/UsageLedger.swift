import VODAPI

/// The billing figures of the current billing month that the agent makes from its own settled
/// 5-minute buckets (docs/usage.md): per domain, the bytes per area and the points its 95th
/// percentile needs; for the domains together, the same per area, each day's peak and the days
/// with traffic. Each bucket is recorded once (the caller's cursors, kept in the state file with
/// this ledger), so a restart neither loses nor repeats one. Pure.
public struct UsageLedger: Sendable, Equatable {
    /// One domain's month so far.
    public struct DomainUsage: Sendable, Equatable {
        public var bytes: [Area: Double] = [:]
        public var points: PercentilePoints
        /// The newest day with a point (0 = the 1st; -1: none yet) and its peak, bit/s.
        public var peakDay = -1
        public var dayPeak = 0.0

        init(periodPointCount: Int) {
            points = PercentilePoints(periodPointCount: periodPointCount)
        }
    }

    /// The domains together (the account, when this agent polls all of it).
    public struct Total: Sendable, Equatable {
        public var bytes: [Area: Double] = [:]
        /// The summed points, all areas.
        public var points: PercentilePoints
        /// The summed points per area (`domestic`, `overseas`).
        public var areaPoints: [Area: PercentilePoints]
        /// Every summed point of the month by its index (``unsettled`` until it is), per area: a
        /// domain's bucket that arrives after its point settled (the domain was away, or late)
        /// raises that point instead of adding a second one, and the days' peaks come from here.
        var summed: [Area: [Double]]

        init(periodPointCount: Int) {
            points = PercentilePoints(periodPointCount: periodPointCount)
            areaPoints = [.domestic: PercentilePoints(periodPointCount: periodPointCount), .overseas: PercentilePoints(periodPointCount: periodPointCount)]
            summed = Dictionary(uniqueKeysWithValues: Area.allCases.map { ($0, [Double](repeating: Self.unsettled, count: periodPointCount)) })
        }

        /// Each day's peak of the summed points per area (`domestic`, `overseas`), by day of the
        /// month (0 = the 1st), for the days with a settled point.
        public private(set) var dailyPeaks: [Area: [Int: Double]] = [:]
        /// Days of the month with traffic.
        public private(set) var validDays: Set<Int> = []

        /// The summed point at `index`, every area together, always added in the same order.
        func sum(at index: Int) -> Double {
            Area.allCases.reduce(0) { $0 + (summed[$1]?[index] ?? 0) }
        }

        /// Takes a point that settled or grew into its day's peaks and the valid days (points
        /// only grow, so keeping the larger is exact).
        mutating func note(_ index: Int) {
            let day = index / Self.pointsPerDay
            for area in [Area.domestic, .overseas] {
                let value = summed[area]?[index] ?? 0
                dailyPeaks[area, default: [:]][day] = max(dailyPeaks[area]?[day] ?? 0, value)
            }
            if sum(at: index) > 0 { validDays.insert(day) }
        }

        static let pointsPerDay = Int(86_400 / BillingMonth.pointSeconds)
        /// A point not settled yet (bandwidth is never negative; NaN would make equal ledgers unequal).
        static let unsettled = -1.0

        func isSettled(_ index: Int) -> Bool {
            summed[.unknown]?[index] != Self.unsettled
        }

        /// Adds bit/s per area to the summed point at `index`: the point settles (recorded in the
        /// trackers), or, settled already without some domain, grows (raised in them).
        mutating func add(_ bitsPerSecond: [Area: Double], at index: Int, start: Int64) {
            let settled = isSettled(index)
            for area in Area.allCases {
                let before = settled ? summed[area]?[index] ?? 0 : 0
                summed[area]?[index] = before + (bitsPerSecond[area] ?? 0)
            }
            note(index)
            func track(_ tracker: inout PercentilePoints, _ value: Double) {
                if settled { tracker.raise(start, to: value) } else { tracker.record(.init(start: start, bitsPerSecond: value)) }
            }
            track(&points, sum(at: index))
            for area in [Area.domestic, .overseas] { track(&areaPoints[area]!, summed[area]?[index] ?? 0) }
        }
    }

    /// A bucket of one domain: bit/s and bytes per area. The two come from different
    /// collectors (bandwidth, traffic), so either may be empty: each part counts once, when given.
    public struct Bucket: Sendable, Equatable {
        public var start: Int64
        public var bitsPerSecond: [Area: Double]
        public var bytes: [Area: Double]

        public init(start: Int64, bitsPerSecond: [Area: Double], bytes: [Area: Double]) {
            self.start = start
            self.bitsPerSecond = bitsPerSecond
            self.bytes = bytes
        }
    }

    /// The 5 minutes of the summed points still waiting for some domain's bucket.
    struct Pending: Sendable, Equatable {
        var bitsPerSecond: [Area: Double] = [:]
        var domains: Set<String> = []
    }

    public private(set) var month: BillingMonth
    public private(set) var domains: [String: DomainUsage] = [:]
    public private(set) var total: Total
    private(set) var pending: [Int64: Pending] = [:]

    /// A summed point waits at most this long for the domains' buckets; then it counts with
    /// those it has (a domain that left the list, or failed its polls for an hour).
    public static let pendingLimit: Int64 = 3600

    public init(month: BillingMonth) {
        self.month = month
        total = Total(periodPointCount: month.pointCount)
    }

    /// Records one domain's settled bucket. A bucket of a later month starts that month afresh;
    /// a bucket of an earlier month is ignored. `expected`: the domains whose buckets make a
    /// summed point complete (the domains polled now).
    public mutating func record(_ bucket: Bucket, domain: String, expected: Set<String>) {
        advance(to: bucket.start)
        guard month.contains(bucket.start) else { return }
        // Taken out while it changes: a copy left in the dictionary would make the points array copy itself.
        var usage = domains.removeValue(forKey: domain) ?? DomainUsage(periodPointCount: month.pointCount)
        for (area, value) in bucket.bytes {
            usage.bytes[area, default: 0] += value
            total.bytes[area, default: 0] += value
        }
        defer { domains[domain] = usage }
        guard !bucket.bitsPerSecond.isEmpty else { return }
        let bitsPerSecond = bucket.bitsPerSecond.values.reduce(0, +)
        usage.points.record(.init(start: bucket.start, bitsPerSecond: bitsPerSecond))
        let day = Int((bucket.start - month.start) / 86_400)
        if day > usage.peakDay {
            (usage.peakDay, usage.dayPeak) = (day, bitsPerSecond)
        } else if day == usage.peakDay {
            usage.dayPeak = max(usage.dayPeak, bitsPerSecond)
        }

        // A domain's bucket after its summed point settled without it (the domain was away, or late).
        if total.isSettled(pointIndex(bucket.start)) {
            total.add(bucket.bitsPerSecond, at: pointIndex(bucket.start), start: bucket.start)
            return
        }
        var point = pending[bucket.start] ?? Pending()
        for (area, value) in bucket.bitsPerSecond { point.bitsPerSecond[area, default: 0] += value }
        point.domains.insert(domain)
        pending[bucket.start] = point
        // The count first: the full check runs once per 5 minutes, not once per domain.
        if point.domains.count >= expected.count && expected.isSubset(of: point.domains) {
            settle(bucket.start)
        }
        settlePending(upTo: bucket.start - Self.pendingLimit)
    }

    /// Starts the month that contains `time` when it is later than the ledger's: a month's
    /// figures begin at zero at its first second, not when its first bucket settles.
    public mutating func advance(to time: Int64) {
        let current = BillingMonth(containing: time, utcOffset: month.utcOffset)
        if current > month { self = UsageLedger(month: current) }
    }

    /// Counts the summed points that started at or before `limit`.
    private mutating func settlePending(upTo limit: Int64) {
        // Only the due ones are sorted: this runs for every bucket of every domain.
        for start in pending.keys.filter({ $0 <= limit }).sorted() {
            settle(start)
        }
    }

    private mutating func settle(_ start: Int64) {
        guard let point = pending.removeValue(forKey: start) else { return }
        total.add(point.bitsPerSecond, at: pointIndex(start), start: start)
    }

    private func pointIndex(_ start: Int64) -> Int {
        Int((start - month.start) / BillingMonth.pointSeconds)
    }

    /// The month's usage as a price sheet reads it.
    public var monthUsage: MonthUsage {
        MonthUsage(bytes: total.bytes, dailyPeaks: total.dailyPeaks.mapValues { $0.sorted { $0.key < $1.key }.map(\.value) },
                   percentile95: total.areaPoints.compactMapValues { $0.percentile95SoFar?.bitsPerSecond }, validDays: total.validDays.count)
    }

    /// The newest day with a summed point (0 = the 1st) and its peak per area, bit/s.
    public var totalDayPeak: (day: Int, bitsPerSecond: [Area: Double])? {
        let peaks = total.dailyPeaks
        guard let day = peaks.values.compactMap({ $0.keys.max() }).max() else { return nil }
        return (day, peaks.compactMapValues { $0[day] })
    }

    /// Summed points still waiting for some domain's bucket.
    public var pendingCount: Int { pending.count }
}

// MARK: - The state file

extension PercentilePoints: Codable {
    private enum CodingKeys: String, CodingKey {
        case periodPointCount = "period_points", recordedCount = "recorded", highest
    }

    // The points as one text, "BASE OFFSET:VALUE OFFSET:VALUE…" (seconds after BASE, bit/s): a
    // thousand domains' points are one string each for the JSON encoder, not 900,000 numbers
    // built up in memory at every save.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let period = try container.decode(Int.self, forKey: .periodPointCount)
        let recorded = try container.decode(Int.self, forKey: .recordedCount)
        guard period > 0, recorded >= 0, let points = Self.points(parsing: try container.decode(String.self, forKey: .highest)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "inconsistent percentile points"))
        }
        self.init(periodPointCount: period, recordedCount: recorded, highest: points)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(periodPointCount, forKey: .periodPointCount)
        try container.encode(recordedCount, forKey: .recordedCount)
        try container.encode(Self.text(of: highest), forKey: .highest)
    }

    static func text(of points: [Point]) -> String {
        guard let base = points.map(\.start).min() else { return "" }
        return ([String(base)] + points.map { "\($0.start - base):\(JSONValue.numberText($0.bitsPerSecond))" }).joined(separator: " ")
    }

    /// The points of `text`; nil when it is not what ``text(of:)`` writes, or holds an impossible value.
    static func points(parsing text: String) -> [Point]? {
        let fields = text.split(separator: " ")
        guard let first = fields.first else { return [] }
        guard let base = Int64(first) else { return nil }
        var points: [Point] = []
        points.reserveCapacity(fields.count - 1)
        for field in fields.dropFirst() {
            let parts = field.split(separator: ":")
            guard parts.count == 2, let offset = Int64(parts[0]), offset >= 0, let value = Double(parts[1]), value.isFinite, value >= 0 else { return nil }
            points.append(Point(start: base + offset, bitsPerSecond: value))
        }
        return points
    }
}

extension UsageLedger: Codable {
    private enum CodingKeys: String, CodingKey {
        case year, month, utcOffset = "utc_offset", domains, total, pending
    }

    private struct SavedDomain: Codable {
        var bytes: [Area: Double]
        var points: PercentilePoints
        var peakDay: Int?
        var dayPeak: Double?
    }

    /// The sums' trackers are not saved: they are the summed points' top ones, rebuilt on load.
    private struct SavedTotal: Codable {
        var bytes: [Area: Double]
        /// Per area, the month's summed points by index, comma-separated, an empty field for one
        /// not settled, none after the last settled one.
        var summed: [Area: String]
    }

    private struct SavedPending: Codable {
        var start: Int64
        var bitsPerSecond: [Area: Double]
        var domains: [String]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let monthNumber = try container.decode(Int64.self, forKey: .month)
        guard (1...12).contains(monthNumber) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "month \(monthNumber)"))
        }
        self.init(month: BillingMonth(year: try container.decode(Int64.self, forKey: .year), month: monthNumber,
                                      utcOffset: try container.decode(Int64.self, forKey: .utcOffset)))
        let points = month.pointCount
        for (domain, saved) in try container.decode([String: SavedDomain].self, forKey: .domains) {
            guard saved.points.periodPointCount == points else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(domain): another month's points")) }
            var usage = DomainUsage(periodPointCount: points)
            usage.bytes = saved.bytes
            usage.points = saved.points
            usage.peakDay = saved.peakDay ?? -1
            usage.dayPeak = saved.dayPeak ?? 0
            domains[domain] = usage
        }
        let saved = try container.decode(SavedTotal.self, forKey: .total)
        total.bytes = saved.bytes
        var summed = total.summed
        for (area, text) in saved.summed {
            let fields = text.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count <= points else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "more summed points than the month has"))
            }
            for (index, field) in fields.enumerated() where !field.isEmpty {
                guard let value = Double(field), value.isFinite, value >= 0 else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "summed point \(index) is not a bandwidth"))
                }
                summed[area]?[index] = value
            }
        }
        // The sums' trackers, day peaks and valid days, as the points settle.
        for index in 0..<points where summed[.unknown]?[index] != Total.unsettled {
            let values = Dictionary(uniqueKeysWithValues: Area.allCases.map { ($0, summed[$0]?[index] ?? 0) })
            total.add(values, at: index, start: month.start + Int64(index) * BillingMonth.pointSeconds)
        }
        for item in try container.decode([SavedPending].self, forKey: .pending) {
            pending[item.start] = Pending(bitsPerSecond: item.bitsPerSecond, domains: Set(item.domains))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(month.year, forKey: .year)
        try container.encode(month.month, forKey: .month)
        try container.encode(month.utcOffset, forKey: .utcOffset)
        try container.encode(domains.mapValues { SavedDomain(bytes: $0.bytes, points: $0.points, peakDay: $0.peakDay, dayPeak: $0.dayPeak) }, forKey: .domains)
        let summed = total.summed.mapValues { values in
            let settled = values.lastIndex { $0 != Total.unsettled }.map { values[...$0] } ?? []
            return settled.map { $0 == Total.unsettled ? "" : JSONValue.numberText($0) }.joined(separator: ",")
        }
        try container.encode(SavedTotal(bytes: total.bytes, summed: summed), forKey: .total)
        try container.encode(pending.keys.sorted().map { SavedPending(start: $0, bitsPerSecond: pending[$0]!.bitsPerSecond, domains: pending[$0]!.domains.sorted()) },
                             forKey: .pending)
    }
}
