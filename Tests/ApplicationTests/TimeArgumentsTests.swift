@testable import Application
import Testing

/// The data commands' times: RFC 3339 with any offset, dates, relative times.
@Suite struct TimeArgumentsTests {
    static let now: Int64 = 1_764_064_800  // 2025-11-25T10:00:00Z

    @Test(arguments: [
        ("2025-11-25T10:00:00Z", 1_764_064_800), ("2025-11-25T18:00:00+08:00", 1_764_064_800), ("2025-11-25T05:30:00-04:30", 1_764_064_800),
        ("2025-11-25T18:00:00+0800", 1_764_064_800), ("2025-11-25T18:00:00.250+08:00", 1_764_064_800), ("2025-11-25", 1_764_028_800),
        ("now", 1_764_064_800), ("-2h", 1_764_057_600), ("now-90m", 1_764_059_400),
    ] as [(String, Int64)])
    func times(text: String, seconds: Int64) {
        #expect(TimeArguments.parse(text, now: Self.now) == seconds, "\(text)")
    }

    @Test(arguments: ["2025-11-25T18:00:00+24:00", "2025-11-25T18:00:00+08:60", "2025-11-25T18:00:00+8:00", "2025-11-25 18:00:00Z", "yesterday", "+2h"])
    func notTimes(text: String) {
        #expect(TimeArguments.parse(text, now: Self.now) == nil, "\(text)")
    }
}
