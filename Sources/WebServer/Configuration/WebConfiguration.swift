import Crypto
import Primitives

/// The web configuration file (`--web.config.file`) in the exporter-toolkit format that
/// node_exporter, the Pushgateway and most exporters share: TLS, basic auth with bcrypt hashes,
/// extra response headers, a rate limit. Strict: an unknown key or a bad value is an error that
/// names its line. Parsing is pure; reading files and reloading is ``WebConfigurationFile``'s.
public struct WebConfiguration: Sendable, Equatable {
    /// `tls_server_config`: present when any of its keys is set.
    public struct TLS: Sendable, Equatable {
        /// Who must show a client certificate, and whether it is verified against the client CA.
        public enum ClientAuth: String, Sendable, CaseIterable {
            case noClientCert = "NoClientCert"
            case requestClientCert = "RequestClientCert"
            case requireAnyClientCert = "RequireAnyClientCert"
            case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
            case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

            /// Whether a client certificate is checked against the client CA.
            public var verifies: Bool { self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert }
        }

        /// The certificate and key: a file (resolved against the configuration file's folder)
        /// or inline PEM.
        public enum Source: Sendable, Equatable {
            case file(String)
            case inline(String)
        }

        public var certificate: Source
        public var key: Source
        public var clientAuth: ClientAuth = .noClientCert
        public var clientCA: Source?
        /// Subject alternative names of which a client certificate must carry one (exact match).
        public var clientAllowedSANs: [String] = []
        /// TLS versions as `1.0`…`1.3` numbers: 0x0301…0x0304.
        public var minVersion: UInt16 = 0x0303
        public var maxVersion: UInt16 = 0x0304
        /// OpenSSL names of the TLS 1.2 cipher suites, in preference order; empty: the defaults.
        public var cipherSuites: [String] = []
        /// TLS 1.3 suites named in `cipher_suites`, in order; empty: OpenSSL's defaults.
        public var tls13CipherSuites: [String] = []
        public var preferServerCipherSuites = true
        /// OpenSSL names of the key-exchange groups, in preference order; empty: the defaults.
        public var curves: [String] = []
    }

    public var tls: TLS?
    /// Extra response headers (`http_server_config.headers`), sorted by name.
    public var headers: [(name: String, value: String)] = []
    /// `basic_auth_users`: username → bcrypt hash. Empty: no basic auth.
    public var users: [String: BCrypt.Hash] = [:]
    /// `rate_limit`: at most `burst` requests at once, one more every `interval` seconds (a burst
    /// of 0 refuses every request, as the toolkit's limiter does).
    public var rateLimit: (interval: Double, burst: Int)?

    public init() {}

    public static func == (lhs: WebConfiguration, rhs: WebConfiguration) -> Bool {
        lhs.tls == rhs.tls && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
            && lhs.users == rhs.users && lhs.rateLimit?.interval == rhs.rateLimit?.interval && lhs.rateLimit?.burst == rhs.rateLimit?.burst
    }

    /// A file that is not a valid web configuration, with the line at fault when there is one.
    public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
        public let line: Int?
        public let reason: String
        public var description: String { line.map { "line \($0): \(reason)" } ?? reason }
    }

    /// Headers that may be set, and the values each allows (nil: any).
    static let allowedHeaders: [String: [String]?] = [
        "Strict-Transport-Security": nil, "X-Content-Type-Options": ["nosniff"], "X-Frame-Options": ["deny", "sameorigin"],
        "X-XSS-Protection": nil, "Content-Security-Policy": nil,
    ]

    /// The cipher suites the file may name (Go's names of the secure TLS 1.2 suites), as OpenSSL
    /// names them.
    static let cipherSuites: [String: String] = [
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": "ECDHE-ECDSA-AES128-GCM-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": "ECDHE-ECDSA-AES256-GCM-SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-ECDSA-CHACHA20-POLY1305",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-RSA-CHACHA20-POLY1305",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": "ECDHE-ECDSA-AES128-SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": "ECDHE-RSA-AES128-SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": "ECDHE-ECDSA-AES256-SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": "ECDHE-RSA-AES256-SHA",
    ]

    /// TLS 1.3 suites (Go accepts their names in `cipher_suites`; OpenSSL names them alike).
    static let tls13CipherSuites: Set<String> = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]

    static let curves: [String: String] = ["CurveP256": "P-256", "CurveP384": "P-384", "CurveP521": "P-521", "X25519": "X25519"]
    static let versions: [String: UInt16] = ["TLS10": 0x0301, "TLS11": 0x0302, "TLS12": 0x0303, "TLS13": 0x0304]

    /// Parses and checks `text`; relative file names are resolved against `directory`.
    public init(parsing text: String, directory: String) throws(ConfigurationError) {
        let root: YAMLSubset.Node
        do {
            root = try YAMLSubset.parse(text)
        } catch {
            throw ConfigurationError(line: error.line, reason: error.reason)
        }
        if case .null = root { return }
        let top = try Self.mapping(root, "the file", known: ["tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"])
        if let node = top["tls_server_config"] { tls = try Self.tls(node, directory: directory) }
        if let node = top["http_server_config"] { headers = try Self.headers(node) }
        if let node = top["basic_auth_users"] { users = try Self.users(node) }
        if let node = top["rate_limit"] { rateLimit = try Self.rateLimit(node) }
    }

    // MARK: Sections

    /// `tls_server_config`, checked in the order the exporter-toolkit checks it: the names of
    /// versions, suites and curves; then, when TLS is on at all (a certificate, key, client CA or
    /// client auth type is given), the certificate, the key and the client auth type. Empty values
    /// count as not given. Whether a client CA without a client auth type is an error is the
    /// context's to say, after reading the files (``TLSContext``).
    private static func tls(_ node: YAMLSubset.Node, directory: String) throws(ConfigurationError) -> TLS? {
        let keys = try mapping(node, "tls_server_config", known: [
            "cert", "key", "client_ca", "cert_file", "key_file", "client_auth_type", "client_ca_file", "client_allowed_sans",
            "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences",
        ])
        var versionsGiven: [String: UInt16] = [:]
        for key in ["min_version", "max_version"] {
            guard let value = keys[key] else { continue }
            let text = try string(value, key)
            guard let version = versions[text] else {
                throw ConfigurationError(line: value.line, reason: "unknown TLS version \(text) in \(key) (TLS10, TLS11, TLS12, TLS13)")
            }
            versionsGiven[key] = version
        }
        var tls12Suites: [String] = [], tls13Suites: [String] = []
        if let value = keys["cipher_suites"] {
            for name in try strings(value, "cipher_suites") {
                if let openSSL = cipherSuites[name] {
                    tls12Suites.append(openSSL)
                } else if tls13CipherSuites.contains(name) {
                    tls13Suites.append(name)
                } else {
                    throw ConfigurationError(line: value.line, reason: "unknown cipher suite \(name)")
                }
            }
        }
        let groups: [String] = try keys["curve_preferences"].map { value throws(ConfigurationError) -> [String] in
            try strings(value, "curve_preferences").map { name throws(ConfigurationError) in
                guard let group = curves[name] else { throw ConfigurationError(line: value.line, reason: "unknown curve \(name) (CurveP256, CurveP384, CurveP521, X25519)") }
                return group
            }
        } ?? []
        let prefersServer = try keys["prefer_server_cipher_suites"].map { value throws(ConfigurationError) in try boolean(value, "prefer_server_cipher_suites") }
        // Given and not empty: what turns TLS on.
        func given(_ key: String) throws(ConfigurationError) -> String? {
            guard let value = keys[key] else { return nil }
            let text = try string(value, key)
            return text.isEmpty ? nil : text
        }
        var enabled = false
        for key in ["cert", "cert_file", "key", "key_file", "client_ca", "client_ca_file", "client_auth_type"] where try given(key) != nil {
            enabled = true
        }
        // Versions, suites or curves alone leave TLS off, as in the toolkit: plain HTTP.
        guard enabled else { return nil }
        func source(inline: String, file: String, required: String?) throws(ConfigurationError) -> TLS.Source? {
            switch (try given(inline), try given(file)) {
            case (let text?, nil): return .inline(text)
            case (nil, let path?): return .file(path.hasPrefix("/") ? path : FileSystem.join(directory, path))
            case (.some, .some): throw ConfigurationError(line: keys[inline]?.line, reason: "give \(inline) or \(file), not both")
            case (nil, nil):
                if let required { throw ConfigurationError(line: keys[file]?.line ?? keys[inline]?.line ?? node.line, reason: required) }
                return nil
            }
        }
        var tls = TLS(certificate: try source(inline: "cert", file: "cert_file", required: "missing one of cert or cert_file")!,
                      key: try source(inline: "key", file: "key_file", required: "missing one of key or key_file")!)
        tls.clientCA = try source(inline: "client_ca", file: "client_ca_file", required: nil)
        if let text = try given("client_auth_type") {
            guard let auth = TLS.ClientAuth(rawValue: text == "RequireClientCert" ? "RequireAnyClientCert" : text) else {
                throw ConfigurationError(line: keys["client_auth_type"]?.line,
                                         reason: "invalid client_auth_type \(text) (\(TLS.ClientAuth.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            tls.clientAuth = auth
        }
        if let value = keys["client_allowed_sans"] {
            tls.clientAllowedSANs = try strings(value, "client_allowed_sans")
            if tls.clientAuth == .noClientCert && !tls.clientAllowedSANs.isEmpty {
                throw ConfigurationError(line: value.line, reason: "client_allowed_sans needs a client certificate (a client_auth_type other than NoClientCert)")
            }
        }
        if let min = versionsGiven["min_version"] { tls.minVersion = min }
        if let max = versionsGiven["max_version"] { tls.maxVersion = max }
        if tls.minVersion > tls.maxVersion {
            throw ConfigurationError(line: keys["min_version"]?.line ?? keys["max_version"]?.line, reason: "min_version is above max_version")
        }
        tls.cipherSuites = tls12Suites
        tls.tls13CipherSuites = tls13Suites
        tls.curves = groups
        if let prefersServer { tls.preferServerCipherSuites = prefersServer }
        return tls
    }

    private static func headers(_ node: YAMLSubset.Node) throws(ConfigurationError) -> [(name: String, value: String)] {
        let keys = try mapping(node, "http_server_config", known: ["headers", "http2"])
        // HTTP/2 is not served (Prometheus scrapes over HTTP/1.1); the key is accepted as elsewhere.
        if let value = keys["http2"] { _ = try boolean(value, "http2") }
        guard let headersNode = keys["headers"] else { return [] }
        let headers = try mapping(headersNode, "headers", known: Set(allowedHeaders.keys))
        return try headers.keys.sorted().map { name throws(ConfigurationError) in
            let node = headers[name]!
            let value = try string(node, name)
            if let allowed = allowedHeaders[name] ?? nil, !allowed.contains(value) {
                throw ConfigurationError(line: node.line, reason: "\(name) must be one of \(allowed.joined(separator: ", "))")
            }
            return (name, value)
        }
    }

    private static func users(_ node: YAMLSubset.Node) throws(ConfigurationError) -> [String: BCrypt.Hash] {
        if case .null = node { return [:] }
        guard case .mapping(let entries, _) = node else {
            throw ConfigurationError(line: node.line, reason: "basic_auth_users is a mapping of usernames to bcrypt hashes")
        }
        var users: [String: BCrypt.Hash] = [:]
        for (name, value, _) in entries {
            guard !name.contains(":") else { throw ConfigurationError(line: value.line, reason: "a username cannot contain ':'") }
            do {
                users[name] = try BCrypt.Hash(parsing: try string(value, name))
            } catch let error as BCrypt.FormatError {
                // The reason only: the hash is a secret.
                throw ConfigurationError(line: value.line, reason: "the password of \(name) is \(error.description)")
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw ConfigurationError(line: value.line, reason: "\(error)")
            }
        }
        return users
    }

    private static func rateLimit(_ node: YAMLSubset.Node) throws(ConfigurationError) -> (interval: Double, burst: Int)? {
        let keys = try mapping(node, "rate_limit", known: ["interval", "burst"])
        let interval = try keys["interval"].map { value throws(ConfigurationError) -> Double in
            let text = try string(value, "interval")
            guard let seconds = DurationText.seconds(text), seconds >= 0 else {
                throw ConfigurationError(line: value.line, reason: "interval \(text) is not a duration such as 100ms or 1s")
            }
            return seconds
        } ?? 0
        let burst = try keys["burst"].map { value throws(ConfigurationError) -> Int in
            guard let number = Int(try string(value, "burst")), number >= 0 else { throw ConfigurationError(line: value.line, reason: "burst is a whole number") }
            return number
        } ?? 0
        // As in the toolkit: no interval, no limit; a burst of 0 answers every request with 429.
        guard interval > 0 else { return nil }
        return (interval, burst)
    }

    // MARK: Node readers

    private static func mapping(_ node: YAMLSubset.Node, _ name: String, known: Set<String>) throws(ConfigurationError) -> [String: YAMLSubset.Node] {
        if case .null = node { return [:] }
        guard case .mapping(let entries, _) = node else { throw ConfigurationError(line: node.line, reason: "\(name) must be a mapping") }
        var keys: [String: YAMLSubset.Node] = [:]
        for (key, value, keyLine) in entries {
            guard known.contains(key) else {
                throw ConfigurationError(line: keyLine, reason: "unknown key \(key) in \(name) (known: \(known.sorted().joined(separator: ", ")))")
            }
            keys[key] = value
        }
        return keys
    }

    private static func string(_ node: YAMLSubset.Node, _ name: String) throws(ConfigurationError) -> String {
        guard case .scalar(let text, _) = node else { throw ConfigurationError(line: node.line, reason: "\(name) must be a single value") }
        return text
    }

    private static func strings(_ node: YAMLSubset.Node, _ name: String) throws(ConfigurationError) -> [String] {
        if case .null = node { return [] }
        guard case .sequence(let items, _) = node else { throw ConfigurationError(line: node.line, reason: "\(name) must be a list") }
        return try items.map { item throws(ConfigurationError) in try string(item, name) }
    }

    private static func boolean(_ node: YAMLSubset.Node, _ name: String) throws(ConfigurationError) -> Bool {
        switch try string(node, name) {
        case "true": return true
        case "false": return false
        case let text: throw ConfigurationError(line: node.line, reason: "\(name) must be true or false, not \(text)")
        }
    }
}
