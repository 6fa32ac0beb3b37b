import HTTPClient
import Primitives
/// Server retry hints in response headers, as the official SDKs read them.
public enum RetryHints {
    /// The longest a hint may make a caller wait, in seconds.
    public static let cap: Double = 120

    /// The hinted delay in seconds, or nil when there is no usable hint.
    ///
    /// `x-acs-retry-after` is a positive integer of milliseconds; `x-ratelimit-user-api` and
    /// `x-ratelimit-user` are lists like `Limit:1,Remain:0,TimeLeft:2000,Reset:1234` whose
    /// largest `TimeLeft` (milliseconds) counts. The result is capped at ``cap``.
    public static func delay(from headers: HTTPHeaders) -> Double? {
        var milliseconds: [Int] = []
        if let text = headers["x-acs-retry-after"], let value = Int(text.trimmingWhitespace()), value > 0 {
            milliseconds.append(value)
        }
        for name in ["x-ratelimit-user-api", "x-ratelimit-user"] {
            guard let text = headers[name] else { continue }
            for part in text.split(separator: ",") {
                let pair = part.split(separator: ":", maxSplits: 1)
                if pair.count == 2, pair[0].trimmingWhitespace() == "TimeLeft",
                    let value = Int(pair[1].trimmingWhitespace()), value > 0
                {
                    milliseconds.append(value)
                }
            }
        }
        guard let longest = milliseconds.max() else { return nil }
        return min(Double(longest) / 1000, cap)
    }
}
