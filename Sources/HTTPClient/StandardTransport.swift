/// The transport the binary uses: the system libcurl, called directly.
public enum StandardTransport {
    /// A new transport with the given response size cap. Where libcurl.so.4 cannot be loaded,
    /// every request fails with the reason and the fix (the program itself still starts, so
    /// `/metrics`, logs and `check` say what is wrong).
    public static func make(maxResponseBytes: Int = 32 * 1024 * 1024, tls: ClientTLS = .system) -> any HTTPTransport {
        do {
            return try CurlTransport(maxResponseBytes: maxResponseBytes, tls: tls)
        } catch {
            return UnavailableTransport(error: error)
        }
    }
}

/// Fails every request with why no HTTP client is available.
struct UnavailableTransport: HTTPTransport {
    let error: TransportError

    func send(_ request: HTTPRequest, timeout: Double) async throws(TransportError) -> TransportResponse {
        throw error
    }
}
