/// How sample values and bucket bounds are spelled.
enum SampleValueFormatting {
    /// 2^53: below it every integral Double is exactly an integer.
    private static let exactIntegerLimit = 9_007_199_254_740_992.0

    /// Appends a sample value: `NaN`, `+Inf`, `-Inf`; integral values as integers (`42`, not
    /// `42.0`); everything else in Swift's shortest round-trip form (`0.25`, `1.5e-07`).
    static func appendValue(_ value: Double, to bytes: inout [UInt8]) {
        if let special = special(value) {
            bytes.append(contentsOf: special)
        } else if value == value.rounded(.towardZero) && value.magnitude < exactIntegerLimit {
            bytes.appendInteger(Int64(value))
        } else {
            bytes.appendUTF8(value.description)
        }
    }

    /// Appends a bucket bound for `le` in the canonical float form that OpenMetrics requires and
    /// Prometheus 3 normalises to (`1.0`, `0.25`, `+Inf`), used in both formats so the series
    /// keep one identity whichever format or Prometheus version scrapes them.
    static func appendBound(_ value: Double, to bytes: inout [UInt8]) {
        if let special = special(value) {
            bytes.append(contentsOf: special)
        } else if value == value.rounded(.towardZero) && value.magnitude < 1e15 {
            bytes.appendInteger(Int64(value))
            bytes.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "0")])
        } else {
            bytes.appendUTF8(value.description)
        }
    }

    private static let nan = Array("NaN".utf8)
    private static let plusInfinity = Array("+Inf".utf8)
    private static let minusInfinity = Array("-Inf".utf8)

    private static func special(_ value: Double) -> [UInt8]? {
        if value.isNaN { return nan }
        if value == .infinity { return plusInfinity }
        if value == -.infinity { return minusInfinity }
        return nil
    }
}
