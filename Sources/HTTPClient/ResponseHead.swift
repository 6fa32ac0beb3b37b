import Primitives

/// Reads header fields out of the raw header lines libcurl hands over.
///
/// libcurl passes every response's head in turn: interim `100 Continue` answers and a proxy's
/// `CONNECT` reply come before the real one, so only the last block counts.
enum ResponseHead {
    /// The fields of the last response head in `raw` (CRLF- or LF-separated lines).
    static func headers(of raw: String) -> HTTPHeaders {
        var fields: [(name: String, value: String)] = []
        for line in raw.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) {
            if line.hasPrefix("HTTP/") {
                fields.removeAll()  // a new response begins
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingWhitespace()
            guard !name.isEmpty, !line.hasPrefix(" "), !line.hasPrefix("\t") else { continue }  // no obsolete line folding
            fields.append((name, line[line.index(after: colon)...].trimmingWhitespace()))
        }
        return HTTPHeaders(fields)
    }
}
