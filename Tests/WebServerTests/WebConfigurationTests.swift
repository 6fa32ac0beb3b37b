import Crypto
import Primitives
import Testing
@testable import WebServer

/// The exporter-toolkit web configuration: what is accepted, with its defaults, and what is
/// refused, with the line.
@Suite struct WebConfigurationTests {
    static let hash = "$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG"

    static func parse(_ text: String) throws(WebConfiguration.ConfigurationError) -> WebConfiguration {
        try WebConfiguration(parsing: text, directory: "/etc/vodcdn-exporter")
    }

    @Test func emptyFilesMeanNothingChanges() throws {
        #expect(try Self.parse("") == WebConfiguration())
        #expect(try Self.parse("# nothing yet\n") == WebConfiguration())
        #expect(try Self.parse("tls_server_config:\nbasic_auth_users:\n") == WebConfiguration())
    }

    @Test func everyKey() throws {
        let configuration = try Self.parse("""
            tls_server_config:
              cert_file: server.crt
              key_file: /secrets/server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.pem
              client_allowed_sans: [prometheus.example.com]
              min_version: TLS13
              cipher_suites:
                - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
              prefer_server_cipher_suites: false
              curve_preferences: [X25519, CurveP256]
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: sameorigin
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              prometheus: \(Self.hash)
            rate_limit:
              interval: 100ms
              burst: 20
            """)
        let tls = try #require(configuration.tls)
        #expect(tls.certificate == .file("/etc/vodcdn-exporter/server.crt") && tls.key == .file("/secrets/server.key"))
        #expect(tls.clientAuth == .requireAndVerifyClientCert && tls.clientCA == .file("/etc/vodcdn-exporter/ca.pem"))
        #expect(tls.clientAllowedSANs == ["prometheus.example.com"])
        #expect(tls.minVersion == 0x0304 && tls.maxVersion == 0x0304)
        #expect(tls.cipherSuites == ["ECDHE-RSA-AES128-GCM-SHA256"] && !tls.preferServerCipherSuites && tls.curves == ["X25519", "P-256"])
        #expect(configuration.headers.map(\.name) == ["Strict-Transport-Security", "X-Frame-Options"])
        #expect(configuration.users == ["prometheus": try BCrypt.Hash(parsing: Self.hash)])
        #expect(configuration.rateLimit?.interval == 0.1 && configuration.rateLimit?.burst == 20)
    }

    /// The defaults: TLS 1.2 to 1.3, no client certificate, the server's cipher order.
    @Test func tlsDefaultsAndInlinePEM() throws {
        let configuration = try Self.parse("tls_server_config:\n  cert: |\n    -----BEGIN CERTIFICATE-----\n    AAAA\n    -----END CERTIFICATE-----\n  key_file: k.pem\n")
        let tls = try #require(configuration.tls)
        #expect(tls.certificate == .inline("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
        #expect(tls.minVersion == 0x0303 && tls.maxVersion == 0x0304 && tls.clientAuth == .noClientCert && tls.preferServerCipherSuites)
    }

    @Test(arguments: [
        ("tls_server_cofig:\n  cert_file: a", "line 1: unknown key tls_server_cofig in the file (known: basic_auth_users, http_server_config, rate_limit, tls_server_config)"),
        ("tls_server_config:\n  cert_file: a\n", "line 2: missing one of key or key_file"),
        ("tls_server_config:\n  cert_file: \"\"\n  key_file: k\n", "line 2: missing one of cert or cert_file"),
        ("tls_server_config:\n  cert_file: a\n  cert: b\n  key_file: k", "line 3: give cert or cert_file, not both"),
        ("tls_server_config:\n  cert_file: a\n  key_file: k\n  client_auth_type: Maybe",
         "line 4: invalid client_auth_type Maybe (NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)"),
        ("tls_server_config:\n  cert_file: a\n  key_file: k\n  client_allowed_sans: [x]",
         "line 4: client_allowed_sans needs a client certificate (a client_auth_type other than NoClientCert)"),
        ("tls_server_config:\n  cert_file: a\n  key_file: k\n  min_version: TLS13\n  max_version: TLS12", "line 4: min_version is above max_version"),
        ("tls_server_config:\n  cert_file: a\n  key_file: k\n  min_version: SSL3", "line 4: unknown TLS version SSL3 in min_version (TLS10, TLS11, TLS12, TLS13)"),
        ("tls_server_config:\n  cert_file: a\n  key_file: k\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]", "line 4: unknown cipher suite TLS_RSA_WITH_RC4_128_SHA"),
        ("http_server_config:\n  headers:\n    X-Frame-Options: allow", "line 3: X-Frame-Options must be one of deny, sameorigin"),
        ("http_server_config:\n  headers:\n    Server: me",
         "line 3: unknown key Server in headers (known: Content-Security-Policy, Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection)"),
        ("basic_auth_users:\n  alice: secret", "line 2: the password of alice is not a bcrypt hash: 60 characters expected, found 6"),
        ("basic_auth_users:\n  - alice", "line 2: basic_auth_users is a mapping of usernames to bcrypt hashes"),
        ("tls_server_config: [a]", "line 1: tls_server_config must be a mapping"),
    ])
    func refusals(text: String, message: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    /// What the exporter-toolkit accepts is accepted: a verified client certificate without a
    /// client CA (checked against the system's), a client CA without a policy until the files are
    /// read (the context refuses it then), TLS 1.3 suite names, a burst of 0, and settings that do
    /// not turn TLS on.
    @Test func whatTheToolkitAccepts() throws {
        let verified = try #require(try Self.parse("tls_server_config:\n  cert_file: a\n  key_file: k\n  client_auth_type: RequireAndVerifyClientCert").tls)
        #expect(verified.clientAuth == .requireAndVerifyClientCert && verified.clientCA == nil)
        #expect(try Self.parse("tls_server_config:\n  cert_file: a\n  key_file: k\n  client_ca_file: ca").tls?.clientCA != nil)
        let suites = try #require(try Self.parse("tls_server_config:\n  cert_file: a\n  key_file: k\n  cipher_suites: [TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]").tls)
        #expect(suites.tls13CipherSuites == ["TLS_AES_128_GCM_SHA256"] && suites.cipherSuites == ["ECDHE-RSA-AES128-GCM-SHA256"])
        #expect(try Self.parse("rate_limit:\n  interval: 1s\n").rateLimit.map { [$0.interval, Double($0.burst)] } == [1, 0])
        #expect(try Self.parse("rate_limit:\n  interval: 0\n  burst: 0\n").rateLimit == nil)
        #expect(try Self.parse("tls_server_config:\n  min_version: TLS12\n  prefer_server_cipher_suites: true\n").tls == nil)
        #expect(try Self.parse("tls_server_config:\n  cert_file: \"\"\n  key_file: \"\"\n").tls == nil, "empty values turn nothing on")
        #expect(throws: WebConfiguration.ConfigurationError(line: 1, reason: "the file must be a mapping")) {
            try Self.parse("one line\nand another\nand a third\n")
        }
    }
}
