import HTTPClient
/// Reads the error envelope of a non-2xx answer: JSON (either key case), or the XML `<Error>`
/// document some gateways send, or nothing usable (then the status alone is reported).
public enum APIErrorParser {
    /// The ``APIError`` for `response`.
    public static func parse(_ response: TransportResponse) -> APIError {
        let retryAfter = RetryHints.delay(from: response.headers)
        if let value = try? JSONValue.parse(response.body), case .object = value {
            let body = JSONCursor(value)
            func field(_ name: String) -> String? {
                let lowerFirst = name.prefix(1).lowercased() + name.dropFirst()
                let found = (try? body.optionalString(name)) ?? (try? body.optionalString(lowerFirst)) ?? nil
                return found.flatMap { $0.isEmpty ? nil : $0 }
            }
            if let code = field("Code") {
                return APIError(
                    status: response.status, code: code, message: field("Message") ?? "",
                    requestId: field("RequestId"), hostId: field("HostId"), recommend: field("Recommend"),
                    retryAfter: retryAfter)
            }
        }
        let text = String(decoding: response.body.prefix(64 * 1024), as: UTF8.self)
        if let code = xmlElement("Code", in: text) {
            return APIError(
                status: response.status, code: code, message: xmlElement("Message", in: text) ?? "",
                requestId: xmlElement("RequestId", in: text), hostId: xmlElement("HostId", in: text),
                recommend: xmlElement("Recommend", in: text), retryAfter: retryAfter)
        }
        return APIError(
            status: response.status, code: "HTTP\(response.status)",
            message: "the server answered HTTP \(response.status) without an error document",
            retryAfter: retryAfter)
    }

    private static func xmlElement(_ name: String, in text: String) -> String? {
        guard let open = text.firstRange(of: "<\(name)>"),
            let close = text[open.upperBound...].firstRange(of: "</\(name)>")
        else { return nil }
        let value = String(text[open.upperBound..<close.lowerBound]).trimmingWhitespace()
        return value.isEmpty ? nil : value
    }
}
