import Crypto
import Exposition
import Foundation
import Gzip
@testable import MetricsServing
import Primitives
import Synchronization
import Testing
@testable import WebServer

@Suite struct RouterTests {
    static let family = MetricFamily.single(name: "demo_up", type: .gauge, help: "Demo.", value: 1)

    private func router(ready: Bool = true, access: AccessControl = .open) -> MetricsRouter {
        let snapshot = try! ExpositionSnapshot(families: [Self.family])
        return MetricsRouter(
            telemetryPath: "/metrics",
            landingPage: LandingPage.html(name: "vodcdn-exporter", version: "1.2.3", telemetryPath: "/metrics"),
            readiness: { (ready, "not ready: traffic: first run in progress") }, access: access,
            metrics: { format, gzip in snapshot.body(format: format, fresh: [], gzip: gzip) })
    }

    private func get(_ target: String, method: String = "GET", headers: [(String, String)] = [], on router: MetricsRouter) -> HTTPResponse {
        router.respond(to: HTTPRequestHead(method: method, target: target, version: .http11,
                                           headers: headers.map { (name: $0.0.lowercased(), value: $0.1) }))
    }

    private func body(_ response: HTTPResponse) -> String {
        String(decoding: response.body.joined(), as: UTF8.self)
    }

    @Test func metricsInTextByDefault() {
        let response = get("/metrics?name[]=x", on: router())
        #expect(response.status == .ok)
        #expect(response.header("content-type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.header("vary") == "Accept, Accept-Encoding")
        #expect(response.header("content-encoding") == nil)
        #expect(body(response) == "# HELP demo_up Demo.\n# TYPE demo_up gauge\ndemo_up 1\n")
    }

    @Test func metricsNegotiated() throws {
        let response = get("/metrics", headers: [("Accept", "application/openmetrics-text;version=1.0.0"), ("Accept-Encoding", "gzip")], on: router())
        #expect(response.header("content-type") == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(response.header("content-encoding") == "gzip")
        #expect(String(decoding: try GzipDecoder.decompress(Array(response.body.joined())), as: UTF8.self).hasSuffix("demo_up 1\n# EOF\n"))
    }

    @Test func otherRoutes() {
        let router = router(ready: false)
        #expect(get("/-/healthy", on: router).status == .ok)
        let notReady = get("/-/ready", on: router)
        #expect(notReady.status == .serviceUnavailable && body(notReady) == "not ready: traffic: first run in progress\n")
        #expect(get("/-/ready", on: self.router(ready: true)).status == .ok)
        let landing = get("/", on: router)
        #expect(landing.status == .ok && landing.header("content-type") == "text/html; charset=utf-8")
        #expect(body(landing).contains("<a href=\"/metrics\">") && body(landing).contains("vodcdn-exporter 1.2.3"))
        #expect(get("/nope", on: router).status == .notFound)
        #expect(get("/metrics/", on: router).status == .notFound)
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW"] {
            let response = get("/metrics", method: method, on: router)
            #expect(response.status == .methodNotAllowed && response.header("allow") == "GET, HEAD")
        }
        // HEAD answers like GET; the connection leaves the body out.
        #expect(get("/metrics", method: "HEAD", on: router).bodyLength == get("/metrics", on: router).bodyLength)
    }

    /// A cost-4 hash (fast in tests) of `password`, as the web configuration holds it.
    static func hash(_ password: String) -> String {
        BCrypt.hash(Array(password.utf8), salt: Array(0..<16), cost: 4)
    }

    static func configuration(_ text: String) -> WebConfiguration {
        try! WebConfiguration(parsing: text, directory: "/")
    }

    @Test func basicAuth() {
        let users = Self.configuration("basic_auth_users:\n  prometheus: \(Self.hash("s3cret:with:colons"))\n  grafana: \(Self.hash("other"))\n")
        let router = router(ready: false, access: AccessControl(configuration: { users }, clock: { 0 }))
        let good = "Basic " + Base64.encode(Array("prometheus:s3cret:with:colons".utf8))
        for target in ["/metrics", "/", "/nope"] {
            let refused = get(target, on: router)
            #expect(refused.status == .unauthorized && refused.header("www-authenticate") == "Basic realm=\"vodcdn-exporter\", charset=\"UTF-8\"")
        }
        // Probes need no credentials (and /-/ready still says why it is not ready).
        #expect(get("/-/healthy", on: router).status == .ok)
        #expect(get("/-/ready", on: router).status == .serviceUnavailable)
        #expect(get("/metrics", headers: [("Authorization", good)], on: router).status == .ok)
        #expect(get("/metrics", headers: [("Authorization", "Basic " + Base64.encode(Array("grafana:other".utf8)))], on: router).status == .ok)
        #expect(get("/nope", headers: [("Authorization", good)], on: router).status == .notFound)
        for bad in ["Basic " + Base64.encode(Array("prometheus:wrong".utf8)), "Basic " + Base64.encode(Array("other:s3cret:with:colons".utf8)),
                    "Basic " + Base64.encode(Array("grafana:s3cret:with:colons".utf8)),
                    "Basic " + Base64.encode(Array("prometheus".utf8)), "Basic !!!", "Bearer x", "", "Basic "] {
            #expect(get("/metrics", headers: [("Authorization", bad)], on: router).status == .unauthorized, "\(bad)")
        }
        #expect(get("/metrics", headers: [("Authorization", "basic " + Base64.encode(Array("prometheus:s3cret:with:colons".utf8)))], on: router).status == .ok)
        // Remembered successes do not outlive a changed password.
        let changed = Mutex(users)
        let rotating = self.router(access: AccessControl(configuration: { changed.withLock { $0 } }, clock: { 0 }))
        #expect(get("/metrics", headers: [("Authorization", good)], on: rotating).status == .ok)
        changed.withLock { $0 = Self.configuration("basic_auth_users:\n  prometheus: \(Self.hash("new"))\n") }
        #expect(get("/metrics", headers: [("Authorization", good)], on: rotating).status == .unauthorized)
    }

    @Test func protectedProbesAndExtraHeaders() {
        let configuration = Self.configuration("""
            http_server_config:
              headers:
                X-Frame-Options: deny
                X-Content-Type-Options: nosniff
            basic_auth_users:
              prometheus: \(Self.hash("pw"))
            """)
        let router = router(access: AccessControl(configuration: { configuration }, protectsProbes: true, clock: { 0 }))
        #expect(get("/-/ready", on: router).status == .unauthorized && get("/-/healthy", on: router).status == .unauthorized)
        let authorized = [("Authorization", "Basic " + Base64.encode(Array("prometheus:pw".utf8)))]
        #expect(get("/-/ready", headers: authorized, on: router).status == .ok)
        // Every answer carries the headers, refusals and errors too.
        for response in [get("/metrics", on: router), get("/metrics", headers: authorized, on: router), get("/nope", headers: authorized, on: router)] {
            #expect(response.header("x-frame-options") == "deny" && response.header("x-content-type-options") == "nosniff")
        }
    }

    @Test func rateLimit() {
        let now = Mutex(100.0)
        let configuration = Self.configuration("rate_limit:\n  interval: 10s\n  burst: 2\n")
        let router = router(access: AccessControl(configuration: { configuration }, clock: { now.withLock { $0 } }))
        #expect(get("/metrics", on: router).status == .ok && get("/-/healthy", on: router).status == .ok)
        #expect(get("/metrics", on: router).status == .tooManyRequests)
        now.withLock { $0 += 10 }
        #expect(get("/metrics", on: router).status == .ok)
        #expect(get("/metrics", on: router).status == .tooManyRequests)
    }

    @Test func theFileIsReloadedAndTheLastGoodConfigurationKept() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("web.yml").path
        try "basic_auth_users:\n  u: \(Self.hash("first"))\n".write(toFile: path, atomically: true, encoding: .utf8)
        let now = Mutex(1000.0)
        let file = try WebConfigurationFile(path: path, clock: { now.withLock { $0 } })
        #expect(file.current().users.keys.sorted() == ["u"] && file.reloadStatus == .init(successful: true, lastSuccess: 1000))

        now.withLock { $0 = 2000 }
        try "basic_auth_users:\n  v: \(Self.hash("second"))\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(file.current().users.keys.sorted() == ["v"] && file.reloadStatus == .init(successful: true, lastSuccess: 2000))

        // Broken, then gone: the last good settings stay, and the status says so.
        now.withLock { $0 = 3000 }
        try "basic_auth_users:\n  v: plaintext\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(file.current().users.keys.sorted() == ["v"] && file.reloadStatus == .init(successful: false, lastSuccess: 2000))
        try FileManager.default.removeItem(atPath: path)
        #expect(file.current().users.keys.sorted() == ["v"] && !file.reloadStatus.successful)
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(file.current().users.isEmpty && file.reloadStatus == .init(successful: true, lastSuccess: 3000))

        #expect(throws: WebConfigurationFile.LoadError.self) { try WebConfigurationFile(path: folder.appendingPathComponent("missing.yml").path) }
        try "tls_server_config:\n  cert_file: a\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: WebConfigurationFile.LoadError(path: path, problem: "line 2: missing one of key or key_file")) {
            try WebConfigurationFile(path: path)
        }
    }

    @Test func responseHeadEncoding() {
        let response = HTTPResponse.text(.notFound, "nope\n")
        let keepAlive = String(decoding: HTTPResponseEncoder.head(of: response, keepAlive: true, requestVersion: .http11, date: "D"), as: UTF8.self)
        #expect(keepAlive == "HTTP/1.1 404 Not Found\r\nDate: D\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n")
        let close = String(decoding: HTTPResponseEncoder.head(of: response, keepAlive: false, requestVersion: .http11, date: "D"), as: UTF8.self)
        #expect(close.hasSuffix("Content-Length: 5\r\nConnection: close\r\n\r\n"))
        let http10 = String(decoding: HTTPResponseEncoder.head(of: response, keepAlive: true, requestVersion: .http10, date: "D"), as: UTF8.self)
        #expect(http10.hasSuffix("Connection: keep-alive\r\n\r\n"))
    }

    @Test(arguments: [
        (":9100", nil as String?, 9100 as UInt16), ("127.0.0.1:0", "127.0.0.1", 0), ("[::1]:8080", "::1", 8080),
        ("localhost:65535", "localhost", 65535), ("[::]:1", "::", 1),
    ])
    func listenAddresses(text: String, host: String?, port: UInt16) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address == ListenAddress(host: host, port: port))
        #expect(address.description == text)
    }

    @Test(arguments: ["9100", ":", ":65536", ":-1", ":http", "::1:80", "[::1:80", "[]:80", "a b:80", ":9 1", ":٣"])
    func badListenAddresses(text: String) {
        #expect(throws: ListenAddress.ParseError.self) { try ListenAddress(parsing: text) }
    }

    @Test func httpDates() {
        #expect(UTCTimestamp.formatHTTPDate(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(UTCTimestamp.formatHTTPDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(UTCTimestamp.formatHTTPDate(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(UTCTimestamp.formatHTTPDate(1_795_600_000) == "Wed, 25 Nov 2026 09:46:40 GMT")
        #expect(UTCTimestamp.formatHTTPDate(-1) == "Wed, 31 Dec 1969 23:59:59 GMT")
        for epoch: Int64 in [0, 784_111_777, 951_782_400, 1_795_600_000] {
            #expect(UTCTimestamp.parseHTTPDate(UTCTimestamp.formatHTTPDate(epoch)) == epoch)
        }
        #expect(UTCTimestamp.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 PST") == nil)
        #expect(UTCTimestamp.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
    }
}
