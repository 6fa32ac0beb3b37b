/// The counter series a domain record keeps ledgers for.
public enum CounterKind: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    case traffic, httpsTraffic, originTraffic, httpsOriginTraffic, requests, httpsRequests
}

/// The gauge series a domain record keeps the newest settled value of.
public enum GaugeKind: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    case bandwidth, httpsBandwidth, originBandwidth, httpsOriginBandwidth
    case byteHitRatio, httpsByteHitRatio, requestHitRatio, httpsRequestHitRatio
    case requestRate, httpsRequestRate
}
