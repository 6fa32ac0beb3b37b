import HTTPClient
import Simulator
import VODAPI
import WebServer

/// Calls the simulator's handler directly, without sockets or libcurl: separates the agent's
/// own memory from the HTTP client's in the memory benchmark.
struct InProcessTransport: HTTPTransport {
    let api: SimulatedVOD

    func send(_ request: HTTPClient.HTTPRequest, timeout: Double) async throws(TransportError) -> TransportResponse {
        let afterScheme = request.url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        let target = afterScheme.count > 3 ? "/" + afterScheme[3] : "/"
        var headers = request.headers.fields.map { (name: $0.name.lowercased(), value: $0.value) }
        // The Host header an HTTP client would send: the URL's authority (it is signed).
        if !headers.contains(where: { $0.name == "host" }), afterScheme.count > 2 { headers.append((name: "host", value: String(afterScheme[2]))) }
        let head = HTTPRequestHead(method: request.method.rawValue, target: target, version: .http11, headers: headers, contentLength: request.body.count)
        let response = api.respond(to: IncomingRequest(head: head, body: request.body))
        var responseHeaders = HTTPHeaders()
        for (name, value) in response.headers { responseHeaders.set(name, value) }
        return TransportResponse(status: response.status.rawValue, headers: responseHeaders, body: response.body.flatMap { Array($0) })
    }
}
