/// The transport the binary uses: libcurl directly where it loads (every Linux machine with
/// FoundationNetworking has it), URLSession otherwise.
public enum StandardTransport {
    /// A new transport with the given response size cap.
    public static func make(maxResponseBytes: Int = 32 * 1024 * 1024) -> any HTTPTransport {
        (try? CurlTransport(maxResponseBytes: maxResponseBytes)) ?? URLSessionTransport(maxResponseBytes: maxResponseBytes)
    }

    /// Which HTTP client `make` picks, for logs and `check`.
    public static var clientDescription: String {
        if let reason = CurlTransport.loadFailure { return "URLSession (\(reason))" }
        return "libcurl"
    }
}
