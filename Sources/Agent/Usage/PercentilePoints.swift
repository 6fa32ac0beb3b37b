/// The highest 5-minute bandwidth points of a period (a billing month, or a day), exactly as
/// many as its 95th percentile needs. The rule (docs/usage.md): the period's points sorted from
/// highest, the top 5 % (rounded down) are left out and the next one is the 95th percentile, so
/// only the top 5 % + 1 matter: 433 of a 30-day month's 8,640, not the whole month.
public struct PercentilePoints: Sendable, Equatable {
    /// One 5-minute bandwidth value.
    public struct Point: Sendable, Equatable {
        /// The start of its 5 minutes.
        public var start: Int64
        public var bitsPerSecond: Double

        public init(start: Int64, bitsPerSecond: Double) {
            self.start = start
            self.bitsPerSecond = bitsPerSecond
        }
    }

    /// The points of the whole period (8,640 in a 30-day month, 288 in a day).
    public let periodPointCount: Int
    /// Points recorded so far.
    public private(set) var recordedCount: Int
    /// The highest points so far, highest first (the earlier of two equal values first), at
    /// most `capacity`.
    public private(set) var highest: [Point]

    public init(periodPointCount: Int) {
        precondition(periodPointCount > 0, "a period has points")
        self.periodPointCount = periodPointCount
        recordedCount = 0
        highest = []
    }

    /// A tracker restored from its saved parts (the state file).
    public init(periodPointCount: Int, recordedCount: Int, highest: [Point]) {
        self.init(periodPointCount: periodPointCount)
        self.recordedCount = max(recordedCount, 0)
        for point in highest { insert(point) }
    }

    /// The points the 95th percentile leaves out: 5 % of the period, rounded down.
    public var burstPointCount: Int { periodPointCount * 5 / 100 }
    /// How many points are kept.
    public var capacity: Int { burstPointCount + 1 }

    /// Records a point; each 5 minutes once (the ledger hands over a bucket once, when it settles).
    public mutating func record(_ point: Point) {
        recordedCount += 1
        insert(point)
    }

    private mutating func insert(_ point: Point) {
        // Highest first; among equal values the earlier start first.
        let index = highest.partitioningIndex { $0.bitsPerSecond < point.bitsPerSecond || ($0.bitsPerSecond == point.bitsPerSecond && $0.start > point.start) }
        guard index < capacity else { return }
        // All it will ever hold, at once: growing by doubling would leave up to half unused.
        if highest.isEmpty { highest.reserveCapacity(capacity + 1) }
        highest.insert(point, at: index)
        if highest.count > capacity { highest.removeLast() }
    }

    /// Raises a recorded point's value (a domain's part added to a summed point after it was
    /// recorded): exact, since values only grow, the new top list is the old one with the point
    /// moved up or added.
    public mutating func raise(_ start: Int64, to new: Double) {
        if let index = highest.firstIndex(where: { $0.start == start }) {
            precondition(new >= highest[index].bitsPerSecond, "points only grow")
            highest.remove(at: index)
        }
        insert(Point(start: start, bitsPerSecond: new))
    }

    /// The highest point so far (the peak, for billing by peak bandwidth).
    public var peak: Point? { highest.first }

    /// The 95th percentile of the points so far: of the recorded points, the top 5 % (rounded
    /// down) left out, the next one.
    public var percentile95SoFar: Point? {
        recordedCount == 0 ? nil : highest[min(recordedCount * 5 / 100, highest.count - 1)]
    }

    /// The value the period's 95th percentile has already reached whatever comes next: the
    /// (5 % of the period + 1)th highest so far; nil while fewer points are recorded.
    public var percentile95Floor: Point? {
        highest.count == capacity ? highest[capacity - 1] : nil
    }

    /// The burst budget against a committed bandwidth.
    public func burstBudget(committed bitsPerSecond: Double) -> BurstBudget {
        let used = highest.count(where: { $0.bitsPerSecond > bitsPerSecond })
        let projected = recordedCount == 0 ? 0 : Int((Double(used) * Double(periodPointCount) / Double(recordedCount)).rounded(.up))
        return BurstBudget(committedBitsPerSecond: bitsPerSecond, allowed: burstPointCount, used: used, projected: projected)
    }
}

/// How many 5-minute points of a period may still exceed a committed bandwidth before the
/// 95th percentile rises above it.
public struct BurstBudget: Sendable, Equatable {
    public let committedBitsPerSecond: Double
    /// Points of the period allowed above it: 5 % of the period, rounded down.
    public let allowed: Int
    /// Points so far above it, counted up to `allowed + 1` (the budget is spent from there).
    public let used: Int
    /// Points above it by the period's end if the rest is like the part so far.
    public let projected: Int

    /// Points that may still exceed it.
    public var remaining: Int { max(0, allowed - used) }
    /// The 95th percentile is above the committed bandwidth already.
    public var exceeded: Bool { used > allowed }
    /// At this pace, it will be by the period's end.
    public var projectedToExceed: Bool { projected > allowed }
}

extension Array {
    /// The first index whose element satisfies `belongsAfter`, for an array partitioned so that
    /// every such element comes after every other (binary search).
    func partitioningIndex(where belongsAfter: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongsAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
