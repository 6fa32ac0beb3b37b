/// Chooses the time windows one poll asks the API for. Pure.
public enum PollWindowPlanner {
    /// The longest window asked in one call: the API serves 5-minute data only for spans under
    /// 3 days, and smaller answers retry more cheaply.
    public static let maxWindow: Int64 = 86_400

    /// Bucket-aligned windows covering the trailing `lookback`, extended back to just after
    /// `cursor` (at most `maxBackfill` before now) when a gap has opened since the last counted
    /// bucket. The bucket in progress is never asked for: it cannot be settled.
    public static func windows(now: Int64, interval: Int64, lookback: Int64, cursor: Int64?, maxBackfill: Int64) -> [Range<Int64>] {
        precondition(interval > 0 && lookback > 0 && maxBackfill >= lookback, "positive spans; the backfill covers the lookback")
        let end = floorDivide(now, interval) * interval
        var start = end - alignUp(lookback, interval)
        if let cursor, cursor + interval < start {
            start = max(cursor + interval, end - alignUp(maxBackfill, interval))
        }
        var windows: [Range<Int64>] = []
        var chunkStart = start
        while chunkStart < end {
            let chunkEnd = min(end, chunkStart + maxWindow)
            windows.append(chunkStart..<chunkEnd)
            chunkStart = chunkEnd
        }
        return windows
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient
    }

    static func alignUp(_ value: Int64, _ unit: Int64) -> Int64 {
        (value + unit - 1) / unit * unit
    }
}
