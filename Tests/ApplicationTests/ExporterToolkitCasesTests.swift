import Crypto
import Foundation
import Primitives
import Testing
import TestSupport

/// exporter-toolkit's own web-configuration cases (prometheus/exporter-toolkit: the files of
/// `web/testdata` and what `tls_config_test.go` and `handler_test.go` expect of them), each
/// written here as our own file with our own certificates and applied to the binary as users run
/// it (the agent with `--web.config.file FILE`). A good file starts and serves as the toolkit's tests
/// expect; a bad one is refused (exit 64) with a message naming that file's problem. The one
/// deliberate difference: HTTP/2 is not served, so a cipher list without an HTTP/2 suite is
/// accepted (the README says so).
@Suite(.serialized) struct ExporterToolkitCasesTests {
    /// One set of certificates for every case (made once: RSA keys take a while), never changed.
    /// The cases run one at a time: each blocks a thread of the test pool while the binary runs.
    static let sharedCertificates = Result { try TestCertificates() }

    /// The certificates, a folder for the files, and the running demos to stop.
    final class Setup {
        let certificates: TestCertificates
        private var running: [ServingProcess] = []

        init() throws {
            certificates = try ExporterToolkitCasesTests.sharedCertificates.get()
        }

        deinit {
            for process in running { _ = try? process.terminate() }
        }

        /// Writes `text` as a web configuration file beside the certificates.
        func file(_ text: String) throws -> String {
            let path = certificates.path("web-\(UUID().uuidString).yml")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        /// The demo serving with `text` as its web configuration; its port.
        func serve(_ text: String) throws -> UInt16 {
            try serve(path: try file(text))
        }

        func serve(path: String) throws -> UInt16 {
            let process = try ServingProcess(arguments: Self.agent + ["--web.config.file", path], environment: Self.credentials)
            running.append(process)
            return process.port
        }

        /// The agent as users run it, polling an endpoint that refuses at once: the listener
        /// is what is tested, and a busy poller would only slow the run.
        static let agent = ["--web.listen-address", "127.0.0.1:0", "--aliyun.endpoint", "http://127.0.0.1:9", "--domain", "a.example.com"]
        static let credentials = ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tToolkitCases", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "not-used"]

        /// The binary's refusal of `text`: exit 64 and the message on standard error.
        func refusal(_ text: String) throws -> String {
            try refusal(path: try file(text))
        }

        func refusal(path: String) throws -> String {
            let outcome = try ExternalTool.outcome(executable: URL(fileURLWithPath: "/usr/bin/timeout"),
                                                   ["20", BinaryTests.binary.path] + Self.agent + ["--web.config.file", path], environment: Self.credentials)
            #expect(outcome.status == 64, "refused at start: \(outcome.status) \(outcome.standardError)")
            return outcome.standardError
        }

        /// One request from Python's `ssl` and `http.client`: `STATUS CIPHER` (the cipher `-`
        /// over plain HTTP), or `error: …` when the connection fails.
        func fetch(_ port: UInt16, tls: Bool = true, certificate: String? = nil, ciphers: String? = nil, maxVersion: String = "MAXIMUM_SUPPORTED",
                   user: String? = nil, password: String = "", path: String = "/metrics") throws -> String {
            let script = """
                import base64, http.client, ssl, sys
                port, tls, ca, certificate, ciphers, maximum, user, password, path = sys.argv[1:]
                try:
                    if tls == "1":
                        context = ssl.create_default_context(cafile=ca)
                        context.maximum_version = getattr(ssl.TLSVersion, maximum)
                        if maximum in ("TLSv1", "TLSv1_1"):
                            context.minimum_version = ssl.TLSVersion.TLSv1
                            context.set_ciphers("DEFAULT:@SECLEVEL=0")
                        if ciphers != "-":
                            context.set_ciphers(ciphers)
                        if certificate != "-":
                            context.load_cert_chain(certificate + ".pem", certificate + ".key")
                        connection = http.client.HTTPSConnection("localhost", int(port), context=context, timeout=10)
                    else:
                        connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
                    headers = {}
                    if user != "-":
                        headers["Authorization"] = "Basic " + base64.b64encode((user + ":" + password).encode()).decode()
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    cipher = connection.sock.cipher()[0] if tls == "1" else "-"
                    print(response.status, cipher)
                except Exception as error:
                    print("error:", error)
                """
            return try ExternalTool.run("python3", ["-c", script, String(port), tls ? "1" : "0", certificates.path("ca.pem"),
                                                    certificate.map { certificates.path($0) } ?? "-", ciphers ?? "-", maxVersion, user ?? "-", password, path])
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// A TLS 1.3 handshake offering only `group`, with the `openssl` command: whether it succeeded.
        func handshake(_ port: UInt16, group: String) throws -> Bool {
            let outcome = try ExternalTool.outcome("openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_3", "-groups", group,
                                                               "-CAfile", certificates.path("ca.pem"), "-verify_return_error", "-brief"],
                                                   input: Array("Q\n".utf8))
            return outcome.status == 0 && outcome.standardError.contains("CONNECTION ESTABLISHED")
        }
    }

    static let server = "  cert_file: server-rsa.pem\n  key_file: server-rsa.key\n"

    /// `TestYAMLFiles`: every file the toolkit refuses is refused, naming its problem.
    @Test(arguments: [
        ("path to config yml invalid", nil, "No such file"),
        ("invalid config yml (invalid structure)", (1...20).map { _ in "hWkNKCp3fvIx3jKnsaBI" }.joined(separator: "\n") + "\n", "must be a mapping"),
        ("invalid config yml (invalid key)", "tls_server_config:\n  cert_filse: \"server.crt\"\n", "unknown key cert_filse"),
        ("invalid config yml (cert path empty)", "tls_server_config:\n  cert_file: \"\"\n  key_file: server-rsa.key\n", "missing one of cert or cert_file"),
        ("invalid config yml (cert empty)", "tls_server_config:\n  cert: \"\"\n  key_file: server-rsa.key\n", "missing one of cert or cert_file"),
        ("invalid config yml (key path empty)", "tls_server_config:\n  cert_file: server-rsa.pem\n  key_file: \"\"\n", "missing one of key or key_file"),
        ("invalid config yml (key empty)", "tls_server_config:\n  cert_file: server-rsa.pem\n  key: \"\"\n", "missing one of key or key_file"),
        ("invalid config yml (cert path and key path empty)", "tls_server_config:\n  cert_file: \"\"\n  key_file: \"\"\n  client_auth_type: \"x\"\n",
         "missing one of cert or cert_file"),
        ("invalid config yml (cert path invalid)", "tls_server_config:\n  cert_file: somefile\n  key_file: server-rsa.key\n", "No such file"),
        ("invalid config yml (key path invalid)", "tls_server_config:\n  cert_file: server.cert\n  key_file: somefile\n", "No such file"),
        ("invalid config yml (cert path and key path invalid)", "tls_server_config:\n  cert_file: somefile\n  key_file: somefile\n", "No such file"),
        ("invalid config yml (invalid ClientAuth)", "tls_server_config:\n" + server + "  client_ca_file: /dev/null\n", "without a client auth policy"),
        ("invalid config yml (invalid ClientCAs filepath)", "tls_server_config:\n" + server + "  client_ca_file: somefile\n", "No such file"),
        ("invalid config yml (invalid user list)", "tls_server_config:\n" + server + "basic_auth_users:\n  john: doe\n", "the password of john is not a bcrypt hash"),
        ("invalid config yml (bad cipher)", "tls_server_config:\n" + server + "  client_auth_type: VerifyClientCertIfGiven\n  cipher_suites:\n  - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA2048\n",
         "unknown cipher suite TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA2048"),
        ("invalid config yml (bad curves)", "tls_server_config:\n" + server + "  client_auth_type: VerifyClientCertIfGiven\n  curve_preferences:\n    - CurveP257\n",
         "unknown curve CurveP257"),
        ("invalid config yml (bad TLS version)", "tls_server_config:\n" + server + "  client_auth_type: VerifyClientCertIfGiven\n  min_version: TLS111\n",
         "unknown TLS version TLS111"),
        ("invalid X-Content-Type-Options headers config", "http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n", "X-Content-Type-Options must be one of nosniff"),
        ("invalid X-Frame-Options headers config", "http_server_config:\n  headers:\n    X-Frame-Options: foo\n", "X-Frame-Options must be one of deny, sameorigin"),
        ("HTTP header that can not be overridden", "http_server_config:\n  headers:\n    Content-Type: foo\n", "unknown key Content-Type"),
    ] as [(String, String?, String)])
    func refusedAsTheToolkitRefuses(name: String, text: String?, problem: String) throws {
        let setup = try Setup()
        let message = try text.map { try setup.refusal($0) } ?? setup.refusal(path: setup.certificates.path("somefile"))
        #expect(message.contains(problem), "\(name): \(message)")
    }

    /// `TestServerBehaviour`, the TLS cases.
    @Test func tlsServesAsTheToolkitServes() throws {
        let setup = try Setup()
        // An empty file and an empty path: plain HTTP; a TLS client meets plain HTTP.
        let empty = try setup.serve("")
        #expect(try setup.fetch(empty, tls: false) == "200 -")
        #expect(try setup.fetch(empty).hasPrefix("error:"))
        let noFile = try ServingProcess(arguments: Setup.agent + ["--web.config.file", ""], environment: Setup.credentials)
        defer { _ = try? noFile.terminate() }
        #expect(try setup.fetch(noFile.port, tls: false) == "200 -")

        // VerifyClientCertIfGiven without a client CA (the toolkit's basic TLS file).
        let basic = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: \"VerifyClientCertIfGiven\"\n")
        #expect(try setup.fetch(basic).hasPrefix("200 "))
        let plain = try setup.fetch(basic, tls: false)
        #expect(plain.hasPrefix("400"), "an HTTP request to the HTTPS server: \(plain)")
        #expect(try setup.fetch(basic, maxVersion: "TLSv1_1").contains("error:"), "TLS 1.1 is below the default minimum")

        // Certificate and key inline.
        let certificate = try String(contentsOfFile: setup.certificates.path("server-rsa.pem"), encoding: .utf8)
        let key = try String(contentsOfFile: setup.certificates.path("server-rsa.key"), encoding: .utf8)
        let indent = { (pem: String) in pem.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") }
        let inline = try setup.serve("tls_server_config:\n  cert: |\n\(indent(certificate))\n  key: |\n\(indent(key))\n")
        #expect(try setup.fetch(inline).hasPrefix("200 "))

        // Every cipher name the toolkit knows, TLS 1.3 names included.
        let all = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: VerifyClientCertIfGiven\n  cipher_suites:\n"
            + ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
               "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
               "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
               "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"]
                .map { "  - \($0)\n" }.joined())
        #expect(try setup.fetch(all).hasPrefix("200 "))

        // Some ciphers, TLS 1.2 only: a common one works, none in common fails, and the
        // server's order wins unless prefer_server_cipher_suites is false.
        let some = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: VerifyClientCertIfGiven\n  cipher_suites:\n"
            + "  - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n  - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n  min_version: TLS12\n  max_version: TLS12\n")
        #expect(try setup.fetch(some, ciphers: "ECDHE-RSA-AES128-GCM-SHA256") == "200 ECDHE-RSA-AES128-GCM-SHA256")
        #expect(try setup.fetch(some, ciphers: "ECDHE-RSA-AES256-SHA").contains("error:"), "no common cipher")
        #expect(try setup.fetch(some, ciphers: "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256") == "200 ECDHE-RSA-AES128-GCM-SHA256")
        let clientOrder = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: VerifyClientCertIfGiven\n  cipher_suites:\n"
            + "  - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n  - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n  prefer_server_cipher_suites: false\n"
            + "  min_version: TLS12\n  max_version: TLS12\n")
        #expect(try setup.fetch(clientOrder, ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384") == "200 ECDHE-RSA-AES128-GCM-SHA256")

        // Curves: all of them; one (TLS 1.3 only) accepts a client offering it and no other.
        let curves = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: VerifyClientCertIfGiven\n  curve_preferences:\n"
            + "    - CurveP256\n    - CurveP384\n    - CurveP521\n    - X25519\n")
        #expect(try setup.fetch(curves).hasPrefix("200 "))
        let oneCurve = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: VerifyClientCertIfGiven\n  min_version: TLS13\n"
            + "  curve_preferences:\n  - CurveP521\n")
        #expect(try setup.handshake(oneCurve, group: "P-521"))
        #expect(try !setup.handshake(oneCurve, group: "P-384"), "no common curve")

        // Without HTTP/2 (and, the deliberate difference, with HTTP/2 left on: not served here).
        for http2 in ["http_server_config:\n  http2: false\n", ""] {
            let port = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: VerifyClientCertIfGiven\n  cipher_suites:\n"
                + "    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n  max_version: TLS12\n" + http2)
            #expect(try setup.fetch(port) == "200 ECDHE-RSA-AES256-GCM-SHA384")
        }
    }

    /// `TestServerBehaviour`, the client-certificate cases, and `TestTLSConfigIsEnabled`.
    @Test func clientCertificatesAndWhatTurnsTLSOn() throws {
        let setup = try Setup()
        // RequireAnyClientCert: any certificate, self-signed too; with the key inline as well.
        let any = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: \"RequireAnyClientCert\"\n")
        #expect(try setup.fetch(any, certificate: "client-selfsigned").hasPrefix("200 "))
        #expect(try setup.fetch(any).hasPrefix("error:"), "a certificate is required")
        let key = try String(contentsOfFile: setup.certificates.path("server-rsa.key"), encoding: .utf8)
        let inlineKey = try setup.serve("tls_server_config:\n  cert_file: server-rsa.pem\n  key: |\n"
            + key.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n  client_auth_type: RequireAnyClientCert\n")
        #expect(try setup.fetch(inlineKey, certificate: "client-selfsigned").hasPrefix("200 "))
        // RequireAndVerifyClientCert against a client CA that is the client's own certificate.
        let verified = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: RequireAndVerifyClientCert\n"
            + "  client_ca_file: client-selfsigned.pem\n")
        #expect(try setup.fetch(verified, certificate: "client-selfsigned").hasPrefix("200 "))
        #expect(try setup.fetch(verified, certificate: "client2-selfsigned").hasPrefix("error:"), "not signed by the client CA")
        // Allowed SANs: one matches; none matches is refused in the handshake with bad_certificate.
        let sans = "tls_server_config:\n" + Self.server + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: client2-selfsigned.pem\n"
        let good = try setup.serve(sans + "  client_allowed_sans:\n    - \"one\"\n    - \"test3\"\n    - \"two\"\n")
        #expect(try setup.fetch(good, certificate: "client2-selfsigned").hasPrefix("200 "))
        let bad = try setup.serve(sans + "  client_allowed_sans:\n    - \"bad\"\n")
        let refused = try setup.fetch(bad, certificate: "client2-selfsigned")
        #expect(refused.contains("BAD_CERTIFICATE") || refused.contains("bad certificate"), "a TLS alert names the reason: \(refused)")
        // What turns TLS on: a certificate, key, client CA or client auth type; versions alone do not.
        let versionsOnly = try setup.serve("tls_server_config:\n  min_version: TLS12\n  prefer_server_cipher_suites: true\n")
        #expect(try setup.fetch(versionsOnly, tls: false) == "200 -")
        #expect(try setup.refusal("tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n").contains("missing one of cert or cert_file"))
        // VerifyClientCertIfGiven without a client CA checks a given certificate against the system's CAs.
        let system = try setup.serve("tls_server_config:\n" + Self.server + "  client_auth_type: VerifyClientCertIfGiven\n")
        #expect(try setup.fetch(system, certificate: "client-selfsigned").hasPrefix("error:"), "a self-signed certificate is not in the system's CAs")
    }

    /// `TestUsers`, `TestBasicAuthCache`, `TestBasicAuthWithFakepassword`,
    /// `TestByPassBasicAuthVuln`, `TestHTTPHeaders` and the rate-limit cases.
    @Test func usersHeadersAndRateLimits() throws {
        let setup = try Setup()
        let salt = Array(repeating: UInt8(7), count: 16)
        let users = ["alice", "bob", "carol", "dave"].map { "  \($0): \(BCrypt.hash(Array("\($0)123".utf8), salt: salt, cost: 4, variant: "2y"))\n" }.joined()
        for tls in [false, true] {
            let port = try setup.serve((tls ? "tls_server_config:\n" + Self.server : "") + "basic_auth_users:\n" + users)
            #expect(try setup.fetch(port, tls: tls).hasPrefix("401"), "without basic auth")
            #expect(try setup.fetch(port, tls: tls, user: "dave", password: "dave123").hasPrefix("200"))
            #expect(try setup.fetch(port, tls: tls, user: "carol", password: "carol123").hasPrefix("200"))
            #expect(try setup.fetch(port, tls: tls, user: "dave", password: "bad").hasPrefix("401"))
            #expect(try setup.fetch(port, tls: tls, user: "nonexistent", password: "nonexistent").hasPrefix("401"))
            #expect(try setup.fetch(port, tls: tls, user: "fakeuser", password: "fakepassword").hasPrefix("401"), "a cold cache")
            #expect(try setup.fetch(port, tls: tls, user: "fakeuser", password: "fakepassword").hasPrefix("401"), "the answer cached")
            // The cache cannot be poisoned by moving text between username and password.
            let aliceHash = BCrypt.hash(Array("alice123".utf8), salt: salt, cost: 4, variant: "2y")
            #expect(try setup.fetch(port, tls: tls, user: "alice" + aliceHash, password: "fakepassword").hasPrefix("401"))
            #expect(try setup.fetch(port, tls: tls, user: "alice", password: aliceHash + "fakepassword").hasPrefix("401"))
            if tls {
                // What was refused, and the certificate in force, are served.
                let script = """
                    import base64, ssl, sys, urllib.request
                    request = urllib.request.Request("https://localhost:%s/metrics" % sys.argv[1])
                    request.add_header("Authorization", "Basic " + base64.b64encode(b"dave:dave123").decode())
                    print(urllib.request.urlopen(request, context=ssl.create_default_context(cafile=sys.argv[2]), timeout=10).read().decode())
                    """
                let metrics = try ExternalTool.run("python3", ["-c", script, String(port), setup.certificates.path("ca.pem")])
                #expect(metrics.contains("aliyun_vod_exporter_web_refused_total{reason=\"unauthorized\"} 7\n"), "\(metrics.split(separator: "\n").filter { $0.contains("refused") })")
                #expect(metrics.contains("aliyun_vod_exporter_web_refused_total{reason=\"auth_busy\"} 0\n"))
                #expect(metrics.contains("aliyun_vod_exporter_tls_last_reload_successful 1\n") && metrics.contains("aliyun_vod_exporter_tls_certificate_expiry_timestamp_seconds "))
            } else {
                // 150 right and 150 wrong logins at once: each gets its own answer.
                let script = """
                    import base64, concurrent.futures, sys, urllib.request, urllib.error
                    def login(password):
                        request = urllib.request.Request("http://127.0.0.1:%s/metrics" % sys.argv[1])
                        request.add_header("Authorization", "Basic " + base64.b64encode(("alice:" + password).encode()).decode())
                        try:
                            return urllib.request.urlopen(request, timeout=30).status
                        except urllib.error.HTTPError as error:
                            return error.code
                    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
                        results = list(pool.map(login, ["alice123", "alice1234"] * 150))
                    print(sum(1 for r in results[0::2] if r == 200), sum(1 for r in results[1::2] if r == 401))
                    """
                let counts = try ExternalTool.run("python3", ["-c", script, String(port)]).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(counts == "150 150", "right 200s, wrong 401s: \(counts)")
            }
        }
        // Headers.
        let headers = try setup.serve("http_server_config:\n  headers:\n    X-Frame-Options: deny\n    Strict-Transport-Security: max-age=31536000; includeSubDomains\n"
            + "    X-Content-Type-Options: nosniff\n    X-XSS-Protection: 1\n    Content-Security-Policy: \"default-src 'self' *.test.example.net\"\n")
        let answer = try TestClient(port: headers).request("/metrics")
        #expect(answer.status == 200 && answer.headers["x-frame-options"] == "deny" && answer.headers["x-content-type-options"] == "nosniff"
                && answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains" && answer.headers["x-xss-protection"] == "1")
        // Rate limits: interval 0 is no limit; a burst of 0 answers every request with 429.
        let unlimited = try setup.serve("rate_limit:\n  interval: 0\n  burst: 0\n")
        #expect(try (0..<10).allSatisfy { _ in try TestClient(port: unlimited).request("/metrics").status == 200 })
        let limited = try setup.serve("rate_limit:\n  interval: \"1s\"\n  burst: 0\n")
        #expect(try (0..<10).map { _ in try TestClient(port: limited).request("/metrics").status }.contains(429))
    }

    /// `TestConfigReloading`: a file that makes every handshake fail (a client certificate
    /// required, the client has none) replaced by a good one applies without a restart.
    @Test func aChangedFileAppliesWithoutARestart() throws {
        let setup = try Setup()
        let path = try setup.file("tls_server_config:\n" + Self.server + "  client_auth_type: \"RequireAndVerifyClientCert\"\n")
        let port = try setup.serve(path: path)
        #expect(try setup.fetch(port).hasPrefix("error:"))
        try ("tls_server_config:\n" + Self.server + "  client_auth_type: \"VerifyClientCertIfGiven\"\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try setup.fetch(port).hasPrefix("200 "))
    }
}
