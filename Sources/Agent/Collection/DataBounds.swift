/// What no CDN domain can produce: generous physical bounds on the API's values. A value
/// outside them (or negative, infinite, NaN) is invalid: counted, treated as absent, never
/// added, so counters and the state file stay finite.
enum DataBounds {
    /// 10 PB in one 5-minute bucket: far above any domain, far below where sums lose meaning.
    static let bytesPerFiveMinutes = 1e16
    /// The same rate as bytes per second (about 267 Tbit/s).
    static let bytesPerSecond = bytesPerFiveMinutes / 300
    /// The same in bit/s, as the billing figures give bandwidth.
    static let bitsPerSecond = bytesPerSecond * 8
    /// Ten billion requests per second.
    static let requestsPerSecond = 1e10

    /// Whether `value` can be real data under `limit`.
    static func isPlausible(_ value: Double, limit: Double) -> Bool {
        value.isFinite && value >= 0 && value <= limit
    }

    /// The largest plausible value of a counter bucket of `interval` seconds.
    static func limit(of kind: CounterKind, interval: Int64) -> Double {
        let seconds = Double(max(1, interval))
        switch kind {
        case .traffic, .httpsTraffic, .originTraffic, .httpsOriginTraffic: return bytesPerSecond * seconds
        case .requests, .httpsRequests: return requestsPerSecond * seconds
        }
    }

    /// The largest plausible value of a gauge, in exported units.
    static func limit(of kind: GaugeKind) -> Double {
        switch kind {
        case .bandwidth, .httpsBandwidth, .originBandwidth, .httpsOriginBandwidth: bytesPerSecond
        case .byteHitRatio, .httpsByteHitRatio, .requestHitRatio, .httpsRequestHitRatio: 1
        case .requestRate, .httpsRequestRate: requestsPerSecond
        }
    }
}
