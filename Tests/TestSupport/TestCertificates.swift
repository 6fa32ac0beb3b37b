import Foundation

/// Certificates for the TLS tests, made with the `openssl` command in a fresh folder: a CA, a
/// server certificate for 127.0.0.1/localhost signed by it, a client certificate (SAN
/// prometheus.example.com) signed by it, one that expired yesterday, one with another SAN, a
/// second CA with its own client certificate, an RSA server certificate (for the ECDHE-RSA
/// suites) and two self-signed client certificates (`client-selfsigned`, SAN
/// client.example.com; `client2-selfsigned`, SANs one.example.com and test3).
public struct TestCertificates: Sendable {
    public let folder: URL
    public func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.ca("ca", in: folder)
        try Self.ca("other-ca", in: folder)
        try Self.leaf("server", ca: "ca", subject: "/CN=localhost", sans: "DNS:localhost,IP:127.0.0.1", in: folder)
        try Self.leaf("client", ca: "ca", subject: "/CN=prometheus", sans: "DNS:prometheus.example.com", in: folder)
        try Self.leaf("stranger", ca: "other-ca", subject: "/CN=stranger", sans: "DNS:prometheus.example.com", in: folder)
        try Self.leaf("wrong-san", ca: "ca", subject: "/CN=grafana", sans: "DNS:grafana.example.com", in: folder)
        try Self.leaf("expired", ca: "ca", subject: "/CN=prometheus", sans: "DNS:prometheus.example.com", days: -1, in: folder)
        try Self.leaf("server-rsa", ca: "ca", subject: "/CN=localhost", sans: "DNS:localhost,IP:127.0.0.1", key: ["rsa:2048"], in: folder)
        try Self.selfSigned("client-selfsigned", sans: "DNS:client.example.com", in: folder)
        try Self.selfSigned("client2-selfsigned", sans: "DNS:one.example.com,DNS:test3", in: folder)
    }

    /// Removes the folder.
    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    private static func ca(_ name: String, in folder: URL) throws {
        let file = { folder.appendingPathComponent($0).path }
        _ = try ExternalTool.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                                             "-subj", "/CN=\(name)", "-keyout", file("\(name).key"), "-out", file("\(name).pem")])
    }

    private static func selfSigned(_ name: String, sans: String, in folder: URL) throws {
        let file = { folder.appendingPathComponent($0).path }
        _ = try ExternalTool.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                                             "-subj", "/CN=\(name)", "-addext", "subjectAltName=\(sans)",
                                             "-keyout", file("\(name).key"), "-out", file("\(name).pem")])
    }

    private static func leaf(_ name: String, ca: String, subject: String, sans: String, days: Int = 2,
                             key: [String] = ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"], in folder: URL) throws {
        let file = { folder.appendingPathComponent($0).path }
        _ = try ExternalTool.run("openssl", ["req", "-newkey"] + key + ["-nodes", "-subj", subject,
                                             "-keyout", file("\(name).key"), "-out", file("\(name).csr")])
        try "subjectAltName=\(sans)\n".write(toFile: file("\(name).ext"), atomically: true, encoding: .utf8)
        _ = try ExternalTool.run("openssl", ["x509", "-req", "-in", file("\(name).csr"), "-CA", file("\(ca).pem"), "-CAkey", file("\(ca).key"),
                                             "-CAcreateserial", "-days", String(days), "-extfile", file("\(name).ext"), "-out", file("\(name).pem")])
    }
}
