import Flags
import Primitives

/// `--start`, `--end` and `--since` of the data commands: RFC 3339 times with `Z` or any offset
/// (`2026-11-25T10:00:00Z`, `2026-11-25T18:00:00+08:00`), a date (`2026-11-25`, UTC) or relative
/// ones (`now`, `-6h`, `now-90m`). Pure: `now` is passed in.
enum TimeArguments {
    /// A point in time, or nil when the text is neither form.
    static func parse(_ text: String, now: Int64) -> Int64? {
        if let absolute = rfc3339(text) { return absolute }
        if text.count == 10, let day = UTCTimestamp.parse(text + "T00:00:00Z") { return day }
        var relative = Substring(text)
        if relative.hasPrefix("now") { relative = relative.dropFirst(3) }
        if relative.isEmpty { return now }
        guard relative.hasPrefix("-"), let seconds = DurationText.seconds(String(relative.dropFirst())) else { return nil }
        return now - Int64(seconds)
    }

    /// Seconds since the epoch of an RFC 3339 time: `Z`, or an offset `±HH:MM` (also `±HHMM`).
    static func rfc3339(_ text: String) -> Int64? {
        if let utc = UTCTimestamp.parse(text) { return utc }
        let bytes = Array(text.utf8)
        func isSign(_ index: Int) -> Bool { index >= 0 && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) }
        let length = isSign(bytes.count - 6) && bytes[bytes.count - 3] == UInt8(ascii: ":") ? 6 : isSign(bytes.count - 5) ? 5 : 0
        guard length > 0, bytes.count >= 19 + length else { return nil }
        let offset = String(decoding: bytes.suffix(length - 1).filter { $0 != UInt8(ascii: ":") }, as: UTF8.self)
        guard offset.count == 4, offset.allSatisfy(\.isASCII), let hours = Int64(offset.prefix(2)), let minutes = Int64(offset.suffix(2)),
              hours < 24, minutes < 60, let base = UTCTimestamp.parse(String(decoding: bytes.dropLast(length), as: UTF8.self) + "Z") else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return bytes[bytes.count - length] == UInt8(ascii: "+") ? base - seconds : base + seconds
    }

    /// The range the flags ask for, aligned to `interval`; the default is `--since` or 6 hours.
    static func range(start: String?, end: String?, since: String?, now: Int64, interval: Int64, defaultSince: Int64 = 6 * 3600) throws(UsageError) -> Range<Int64> {
        if since != nil && (start != nil || end != nil) { throw UsageError("--since cannot be combined with --start/--end") }
        let endValue: Int64
        if let end {
            guard let value = parse(end, now: now) else { throw UsageError("--end: \"\(end)\" is not a time (2026-11-25T10:00:00Z, 2026-11-25T18:00:00+08:00, 2026-11-25, now, -2h)") }
            endValue = value
        } else {
            endValue = now
        }
        let startValue: Int64
        if let start {
            guard let value = parse(start, now: now) else { throw UsageError("--start: \"\(start)\" is not a time (2026-11-25T10:00:00Z, 2026-11-25T18:00:00+08:00, 2026-11-25, now-6h)") }
            startValue = value
        } else if let since {
            guard let seconds = DurationText.seconds(since), seconds > 0 else { throw UsageError("--since: \"\(since)\" is not a duration such as 6h") }
            startValue = endValue - Int64(seconds)
        } else {
            startValue = endValue - defaultSince
        }
        let alignedStart = startValue / interval * interval, alignedEnd = (endValue + interval - 1) / interval * interval
        guard alignedEnd > alignedStart else { throw UsageError("the end must be after the start") }
        return alignedStart..<alignedEnd
    }
}
