import Primitives

/// When runs happen: aligned to an interval grid plus an offset, with each work item's start
/// spread in a stable way. Pure.
public enum PollSchedule {
    /// The first grid point (`k × interval + offset`) strictly after `now`.
    public static func nextPoll(after now: Int64, interval: Int64, offset: Int64) -> Int64 {
        let base = PollWindowPlanner.floorDivide(now - offset, interval) * interval + offset
        return base + interval
    }

    /// Where `key`'s work starts within a run, in seconds after the run's start: stable across
    /// runs and replicas, and spread evenly over `0..<spread`, so calls do not burst at the
    /// start of each interval.
    public static func startOffset(for key: String, spread: Int64) -> Double {
        guard spread > 0 else { return 0 }
        // Millisecond resolution: with thousands of domains whole seconds would bunch them.
        let slots = UInt64(spread) * 1000
        return Double(FNV1a.hash("jitter:" + key.lowercased()) % slots) / 1000
    }
}
