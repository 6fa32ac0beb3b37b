import Exposition
import WebServer

/// The exporter's routes: the telemetry path, `/`, `/-/healthy`, `/-/ready`; 404 otherwise,
/// 405 for methods other than GET and HEAD. What the web configuration asks (rate limit, basic
/// auth, extra headers) is ``AccessControl``'s; the health probes pass without credentials unless
/// it protects them.
public struct MetricsRouter: HTTPHandler {
    /// Where the metrics are served (`--web.telemetry-path`).
    public let telemetryPath: String
    private let landingPage: [UInt8]
    private let readiness: @Sendable () -> (ready: Bool, reason: String)
    private let access: AccessControl
    private let metrics: @Sendable (ExpositionFormat, Bool) -> ExpositionBody

    /// - Parameters:
    ///   - readiness: whether the exporter has data to serve, and why not (the 503 body).
    ///   - access: the web configuration's rate limit, basic auth and headers.
    ///   - metrics: the scrape body for a format and whether to gzip it.
    public init(
        telemetryPath: String,
        landingPage: [UInt8],
        readiness: @escaping @Sendable () -> (ready: Bool, reason: String),
        access: AccessControl = .open,
        metrics: @escaping @Sendable (ExpositionFormat, Bool) -> ExpositionBody
    ) {
        precondition(telemetryPath.hasPrefix("/"), "the telemetry path starts with /")
        self.telemetryPath = telemetryPath
        self.landingPage = landingPage
        self.readiness = readiness
        self.access = access
        self.metrics = metrics
    }

    public func respond(to request: IncomingRequest) -> HTTPResponse {
        respond(to: request.head)
    }

    /// The response to a request head (the metrics routes take no body), with the configured headers.
    public func respond(to request: HTTPRequestHead) -> HTTPResponse {
        let (refusal, headers) = access.check(path: request.path, authorization: request.header("authorization"),
                                               isProbe: request.path == "/-/healthy" || request.path == "/-/ready")
        var response = refusal ?? route(request)
        response.headers += headers
        return response
    }

    private func route(_ request: HTTPRequestHead) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text(.methodNotAllowed, "Only GET and HEAD are supported.\n", headers: [("Allow", "GET, HEAD")])
        }
        let path = request.path
        switch path {
        case "/-/healthy":
            return .text(.ok, "Healthy.\n")
        case telemetryPath:
            let body = metrics(ContentNegotiation.format(accept: request.header("accept")),
                               ContentNegotiation.shouldGzip(acceptEncoding: request.header("accept-encoding")))
            var headers = [("Content-Type", body.format.contentType), ("Vary", "Accept, Accept-Encoding"), ("Cache-Control", "no-store")]
            if body.isGzipped { headers.append(("Content-Encoding", "gzip")) }
            return HTTPResponse(status: .ok, headers: headers, body: body.chunks)
        case "/-/ready":
            let (ready, reason) = readiness()
            return ready ? .text(.ok, "Ready.\n") : .text(.serviceUnavailable, reason.hasSuffix("\n") ? reason : reason + "\n")
        case "/":
            return HTTPResponse(status: .ok, headers: [("Content-Type", "text/html; charset=utf-8")], body: [landingPage[...]])
        default:
            return .text(.notFound, "Not found. Metrics are at \(telemetryPath).\n")
        }
    }
}
