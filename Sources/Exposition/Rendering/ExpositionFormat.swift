/// The exposition formats the listener can answer with.
public enum ExpositionFormat: Sendable, Hashable, CaseIterable {
    /// Prometheus text format 0.0.4: what every scraper accepts, and the default.
    case text
    /// OpenMetrics 1.0.0: chosen only when the scrape's `Accept` header prefers it.
    case openMetrics

    /// The `Content-Type` header value of a response in this format.
    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Bytes that close a body in this format (`# EOF` for OpenMetrics).
    public var trailer: [UInt8] {
        switch self {
        case .text: []
        case .openMetrics: Array("# EOF\n".utf8)
        }
    }
}
