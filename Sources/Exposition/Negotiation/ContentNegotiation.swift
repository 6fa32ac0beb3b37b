/// Chooses the exposition format and content coding of a scrape response, the way
/// client_golang's promhttp does with OpenMetrics enabled.
public enum ContentNegotiation {
    /// The format for an `Accept` header: the first preferred entry that names a format we offer
    /// (`application/openmetrics-text` version 1.0.0, or `text/plain` with version 0.0.4 or none);
    /// text 0.0.4 when nothing matches or the header is absent. OpenMetrics entries for other
    /// versions (0.0.1, or none, which means 0.0.1) are passed over, since we do not offer them.
    public static func format(accept: String?) -> ExpositionFormat {
        for entry in WeightedHeaderList(accept).preferred {
            let version = entry.parameters["version"]
            switch entry.value {
            case "application/openmetrics-text" where version == "1.0.0":
                return .openMetrics
            case "text/plain" where version == nil || version == "0.0.4":
                return .text
            default:
                continue
            }
        }
        return .text
    }

    /// Whether to gzip, for an `Accept-Encoding` header: yes when `gzip` (or `*` without an
    /// explicit `gzip` entry) has a weight above zero that is not below an explicit `identity`.
    /// `gzip;q=0` means no, unlike older client libraries that ignored the weight.
    public static func shouldGzip(acceptEncoding: String?) -> Bool {
        let entries = WeightedHeaderList(acceptEncoding).all
        let gzipEntry = entries.first { $0.value == "gzip" || $0.value == "x-gzip" } ?? entries.first { $0.value == "*" }
        guard let gzipEntry, gzipEntry.quality > 0 else { return false }
        if let identity = entries.first(where: { $0.value == "identity" }) {
            return gzipEntry.quality >= identity.quality
        }
        return true
    }
}
