import Foundation
import Testing
import TestSupport
@testable import WebServer

/// The listener over TLS with the system OpenSSL, against Python's `ssl` module as the client:
/// handshakes, client certificates, versions, a plain request on the TLS port, renewed files.
@Suite(.serialized) struct TLSServerTests {
    /// Answers every path with its name, and `/big` with 4 MiB ending in "end".
    struct Echo: HTTPHandler {
        func respond(to request: IncomingRequest) -> HTTPResponse {
            if request.head.path == "/big" { return .text(.ok, String(repeating: "x", count: 4 << 20) + "end") }
            return .text(.ok, request.head.path)
        }
    }

    static func settings(_ certificates: TestCertificates, _ text: String = "") throws -> WebConfiguration.TLS {
        let configuration = try WebConfiguration(parsing: "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n" + text,
                                                 directory: certificates.folder.path)
        return try #require(configuration.tls)
    }

    static func server(_ context: @escaping @Sendable () -> TLSContext?) throws -> (HTTPServer, UInt16) {
        var configuration = HTTPServerConfiguration(listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), headTimeout: 5)
        configuration.tls = context
        let server = HTTPServer(configuration: configuration, handler: Echo())
        return (server, try server.start())
    }

    /// One HTTPS request from Python: prints the status and body, or `error: …` when the TLS
    /// connection fails.
    static func fetch(port: UInt16, _ certificates: TestCertificates, path: String = "/hello", client: String? = nil,
                      maximumVersion: String = "MAXIMUM_SUPPORTED", minimumVersion: String = "MINIMUM_SUPPORTED") throws -> String {
        let script = """
            import socket, ssl, sys
            context = ssl.create_default_context(cafile=sys.argv[2])
            context.minimum_version = getattr(ssl.TLSVersion, sys.argv[5])
            context.maximum_version = getattr(ssl.TLSVersion, sys.argv[6])
            if sys.argv[6] in ("TLSv1", "TLSv1_1"):
                context.set_ciphers("DEFAULT:@SECLEVEL=0")  # so the client really offers the old version
            if sys.argv[4] != "-":
                context.load_cert_chain(sys.argv[4] + ".pem", sys.argv[4] + ".key")
            try:
                with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as raw:
                    with context.wrap_socket(raw, server_hostname="localhost") as tls:
                        tls.sendall(("GET %s HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n" % sys.argv[3]).encode())
                        data = b""
                        while True:
                            chunk = tls.recv(65536)
                            if not chunk: break
                            data += chunk
                head, _, body = data.partition(b"\\r\\n\\r\\n")
                # In TLS 1.3 the client's handshake ends before the server checks its certificate:
                # a refusal then shows as a connection closed without an answer.
                print(head.split(b" ")[1].decode(), body.decode()) if data else print("error: closed without an answer")
            except (ssl.SSLError, OSError) as error:
                print("error:", error)
            """
        return try ExternalTool.run("python3", ["-c", script, String(port), certificates.path("ca.pem"), path,
                                                client.map { certificates.path($0) } ?? "-", minimumVersion, maximumVersion])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func servesOverTLSAndAnswersPlainHTTPWith400() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try TLSContext(try Self.settings(certificates))
        let (server, port) = try Self.server { context }
        defer { server.stop(gracePeriod: 1) }
        #expect(try Self.fetch(port: port, certificates) == "200 /hello")
        #expect(try Self.fetch(port: port, certificates, maximumVersion: "TLSv1_2") == "200 /hello")
        // A plain request on the TLS port gets a plain answer, not a hang.
        let plain = try TestClient(port: port)
        let answer = try plain.request("/metrics")
        #expect(answer.status == 400 && answer.text.contains("HTTP request to an HTTPS server"))
        // TLS 1.1 and older are refused by default (min_version TLS12).
        // The server's refusal (a protocol_version alert), not the client's own policy.
        #expect(try Self.fetch(port: port, certificates, maximumVersion: "TLSv1_1", minimumVersion: "TLSv1").contains("PROTOCOL_VERSION"))
    }

    @Test func clientCertificates() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try TLSContext(try Self.settings(certificates, "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n"))
        let (server, port) = try Self.server { context }
        defer { server.stop(gracePeriod: 1) }
        #expect(try Self.fetch(port: port, certificates, client: "client") == "200 /hello")
        #expect(try Self.fetch(port: port, certificates).hasPrefix("error:"), "no client certificate")
        #expect(try Self.fetch(port: port, certificates, client: "stranger").hasPrefix("error:"), "a certificate from another CA")
        #expect(try Self.fetch(port: port, certificates, client: "expired").hasPrefix("error:"), "an expired certificate")

        let sans = try TLSContext(try Self.settings(certificates, """
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.pem
              client_allowed_sans: [prometheus.example.com]

            """))
        let (checked, checkedPort) = try Self.server { sans }
        defer { checked.stop(gracePeriod: 1) }
        #expect(try Self.fetch(port: checkedPort, certificates, client: "client") == "200 /hello")
        #expect(!(try Self.fetch(port: checkedPort, certificates, client: "wrong-san")).hasPrefix("200"), "a SAN outside the list")
    }

    @Test func unusableSettingsAreRefusedWithTheReason() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let mismatched = try WebConfiguration(parsing: "tls_server_config:\n  cert_file: server.pem\n  key_file: client.key\n",
                                              directory: certificates.folder.path).tls!
        #expect(throws: TLSContext.SetupError.self) { try TLSContext(mismatched) }
        do {
            _ = try TLSContext(mismatched)
        } catch {
            #expect(error.description.contains("the private key cannot be used with the certificate") && error.description.contains("key values mismatch"), "\(error.description)")
        }
        let missing = try WebConfiguration(parsing: "tls_server_config:\n  cert_file: none.pem\n  key_file: server.key\n",
                                           directory: certificates.folder.path).tls!
        #expect(throws: TLSContext.SetupError.self) { try TLSContext(missing) }
        let garbage = try WebConfiguration(parsing: "tls_server_config:\n  cert: not a certificate\n  key_file: server.key\n", directory: "/").tls!
        #expect(throws: TLSContext.SetupError.self) { try TLSContext(garbage) }
    }

    /// A certificate replaced on disk is used by the next connection; a broken replacement keeps
    /// the previous one.
    @Test func renewedCertificatesApplyWithoutARestart() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let settings = try Self.settings(certificates)
        let source = try TLSContextSource(settings: { settings })
        let (server, port) = try Self.server { source.current() }
        defer { server.stop(gracePeriod: 1) }
        let first = source.current()
        #expect(try Self.fetch(port: port, certificates) == "200 /hello")
        // Renewed: the same names, a new certificate from the same CA.
        let renewed = try TestCertificates()
        defer { renewed.remove() }
        for name in ["server.pem", "server.key", "ca.pem"] {
            try FileManager.default.removeItem(atPath: certificates.path(name))
            try FileManager.default.copyItem(atPath: renewed.path(name), toPath: certificates.path(name))
        }
        #expect(source.current() !== first)
        #expect(try Self.fetch(port: port, certificates) == "200 /hello", "verified against the new CA")
        let renewedStatus = source.status
        #expect(renewedStatus.successful && renewedStatus.notAfter.map { $0 > Date().timeIntervalSince1970 + 86_400 } == true, "expires in 2 days")
        // Broken: the context in force stays, and the status says the renewal failed.
        let current = source.current()
        try "garbage".write(toFile: certificates.path("server.pem"), atomically: true, encoding: .utf8)
        #expect(source.current() === current)
        #expect(!source.status.successful && source.status.lastSuccess == renewedStatus.lastSuccess && source.status.notAfter == renewedStatus.notAfter)
    }

    /// A handshake that stalls is closed at the handshake deadline (not the head deadline) and
    /// counted; plain HTTP on the TLS port is counted too.
    @Test func stalledHandshakesAreClosedAtTheirDeadlineAndCounted() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try TLSContext(try Self.settings(certificates))
        var configuration = HTTPServerConfiguration(listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), headTimeout: 30, handshakeTimeout: 0.3)
        configuration.tls = { context }
        let server = HTTPServer(configuration: configuration, handler: Echo())
        let port = try server.start()
        defer { server.stop(gracePeriod: 1) }
        // Half a ClientHello record header, then silence.
        let stalled = try TestClient(port: port, timeout: 20)
        try stalled.send([0x16, 0x03, 0x01])
        #expect(stalled.isClosedByServer(), "closed by the server at the handshake deadline, long before the head deadline")
        _ = try TestClient(port: port).request("/metrics")
        #expect(server.refusals.totals == [.handshakeTimeout: 1, .plainHTTP: 1])
    }
}

/// The hardened listener's behaviour holds under TLS: pipelining, limits, deadlines, many
/// connections (the connection logic is the same machine; these check the TLS driver around it).
@Suite(.serialized) struct TLSHardeningTests {
    @Test func limitsDeadlinesAndPipeliningOverTLS() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try TLSContext(try TLSServerTests.settings(certificates))
        var configuration = HTTPServerConfiguration(listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), headTimeout: 0.5)
        configuration.tls = { context }
        let server = HTTPServer(configuration: configuration, handler: TLSServerTests.Echo())
        let port = try server.start()
        defer { server.stop(gracePeriod: 1) }
        let script = """
            import socket, ssl, sys, time
            port, ca = int(sys.argv[1]), sys.argv[2]
            context = ssl.create_default_context(cafile=ca)
            def connect():
                raw = socket.create_connection(("127.0.0.1", port), timeout=10)
                return context.wrap_socket(raw, server_hostname="localhost")
            def read_all(tls):
                data = b""
                while True:
                    try:
                        chunk = tls.recv(65536)
                    except (ssl.SSLError, OSError):
                        break
                    if not chunk: break
                    data += chunk
                return data
            # Pipelining: three requests in one write, three answers in order.
            tls = connect()
            tls.sendall(b"".join(b"GET /%d HTTP/1.1\\r\\nHost: x\\r\\n%s\\r\\n" % (n, b"Connection: close\\r\\n" if n == 3 else b"") for n in (1, 2, 3)))
            data = read_all(tls)
            print("pipelined", data.count(b"HTTP/1.1 200"), data.index(b"/1") < data.index(b"/2") < data.index(b"/3"))
            # An oversized head gets 431.
            tls = connect()
            tls.sendall(b"GET / HTTP/1.1\\r\\nX-Filler: " + b"a" * 20000 + b"\\r\\n\\r\\n")
            print("oversized", read_all(tls).split(b" ")[1].decode())
            # A head that stops arriving gets 408 at the deadline.
            tls = connect()
            tls.sendall(b"GET / HTTP/1.1\\r\\nHo")
            print("slow", read_all(tls).split(b" ")[1].decode())
            # A client that connects and never says hello is closed at the same deadline.
            raw = socket.create_connection(("127.0.0.1", port), timeout=10)
            start = time.time()
            print("silent", raw.recv(1) == b"", time.time() - start < 5)
            # Many connections at once, each answered (each request sent as it connects: the head
            # deadline here is half a second, shorter than opening a hundred on a busy machine).
            open_ones = []
            for index in range(100):
                tls = connect()
                tls.sendall(b"GET /c%d HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n" % index)
                open_ones.append(tls)
            answered = sum(1 for index, tls in enumerate(open_ones) if (b"/c%d" % index) in read_all(tls))
            print("many", answered)
            # A body of megabytes arrives whole (the write waits for room under TLS too).
            tls = connect()
            tls.sendall(b"GET /big HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
            body = read_all(tls).partition(b"\\r\\n\\r\\n")[2]
            print("big", len(body), body.endswith(b"end"))
            """
        let lines = try ExternalTool.run("python3", ["-c", script, String(port), certificates.path("ca.pem")])
            .split(separator: "\n").map(String.init)
        #expect(lines == ["pipelined 3 True", "oversized 431", "slow 408", "silent True True", "many 100", "big \((4 << 20) + 3) True"], "\(lines)")
        TestSupport.waitUntil(timeout: 5, every: 0.05) { server.openConnections == 0 }
        #expect(server.openConnections == 0)
    }
}

/// A graceful stop under TLS: a response being written when the stop begins still arrives whole.
@Suite(.serialized) struct TLSGracefulStopTests {
    /// Answers with 8 MiB, and says when the body has been made.
    final class Big: HTTPHandler {
        let made = DispatchSemaphore(value: 0)
        func respond(to request: IncomingRequest) -> HTTPResponse {
            defer { made.signal() }
            return .text(.ok, String(repeating: "y", count: 8 << 20) + "end")
        }
    }

    @Test func aResponseInFlightFinishes() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try TLSContext(try TLSServerTests.settings(certificates))
        var configuration = HTTPServerConfiguration(listenAddress: try ListenAddress(parsing: "127.0.0.1:0"))
        configuration.tls = { context }
        let handler = Big()
        let server = HTTPServer(configuration: configuration, handler: handler)
        let port = try server.start()
        // A client that asks, then waits a second before reading: the answer is mid-write when
        // the stop begins.
        let script = """
            import socket, ssl, sys, time
            context = ssl.create_default_context(cafile=sys.argv[2])
            tls = context.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20), server_hostname="localhost")
            tls.sendall(b"GET /big HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
            time.sleep(1)
            data = b""
            while True:
                chunk = tls.recv(65536)
                if not chunk: break
                data += chunk
            body = data.partition(b"\\r\\n\\r\\n")[2]
            print(len(body), body.endswith(b"end"))
            """
        let client = Process()
        client.executableURL = URL(fileURLWithPath: try #require(ExternalTool.find("python3")))
        client.arguments = ["-c", script, String(port), certificates.path("ca.pem")]
        let output = Pipe()
        client.standardOutput = output
        try client.run()
        #expect(handler.made.wait(timeout: .now() + 20) == .success)
        server.stop(gracePeriod: 10)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.waitUntilExit()
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == "\((8 << 20) + 3) True")
        #expect(server.openConnections == 0)
    }
}
