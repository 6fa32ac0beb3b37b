import Primitives

/// When polls run: aligned to the interval grid plus an offset, per-domain delays spread in a
/// stable way. Pure.
public enum PollSchedule {
    /// The first grid point (`k × interval + offset`) strictly after `now`.
    public static func nextPoll(after now: Int64, interval: Int64, offset: Int64) -> Int64 {
        let base = PollWindowPlanner.floorDivide(now - offset, interval) * interval + offset
        return base + interval
    }

    /// The delay of `domain`'s calls within a cycle: stable across cycles and replicas, spread
    /// evenly over `0..<spread` seconds, so calls do not burst at the start of each interval.
    public static func jitter(for domain: String, spread: Int64) -> Int64 {
        guard spread > 0 else { return 0 }
        return Int64(FNV1a.hash("jitter:" + domain.lowercased()) % UInt64(spread))
    }
}
