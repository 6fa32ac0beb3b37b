import Foundation
import HTTPClient
import Testing
import TestSupport
import VODAPI
@testable import WebServer

/// The libcurl client's TLS options (what `--remote-write.tls.*` sets) against our listener with
/// a private CA that requires client certificates.
@Suite(.serialized) struct ClientTLSTests {
    static func get(_ port: UInt16, _ tls: ClientTLS) async -> Result<TransportResponse, TransportError> {
        do {
            let transport = try CurlTransport(tls: tls)
            return .success(try await transport.send(HTTPRequest(method: .get, url: "https://127.0.0.1:\(port)/hello", headers: HTTPHeaders([]), body: []), timeout: 10))
        } catch {
            return .failure(error)
        }
    }

    @Test func caFileAndClientCertificateReachAServerThatRequiresThem() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try TLSContext(try TLSServerTests.settings(certificates, "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n"))
        let (server, port) = try TLSServerTests.server { context }
        defer { server.stop() }

        let trusted = ClientTLS(caFile: certificates.path("ca.pem"), certFile: certificates.path("client.pem"), keyFile: certificates.path("client.key"))
        let answer = try await Self.get(port, trusted).get()
        #expect(answer.status == 200 && String(decoding: answer.body, as: UTF8.self) == "/hello")

        // The system's trust store does not know the private CA.
        guard case .failure(let unknown) = await Self.get(port, ClientTLS(certFile: certificates.path("client.pem"), keyFile: certificates.path("client.key"))) else {
            Issue.record("a server signed by an unknown CA was trusted")
            return
        }
        #expect(unknown.detail.lowercased().contains("certificate"), "\(unknown)")
        // Without checking the server, but without a client certificate: the server refuses.
        if case .success(let refused) = await Self.get(port, ClientTLS(insecureSkipVerify: true)) {
            Issue.record("answered \(refused.status) without a client certificate")
        }
        // Without checking the server, with the certificate: taken (for labs).
        let unchecked = ClientTLS(certFile: certificates.path("client.pem"), keyFile: certificates.path("client.key"), insecureSkipVerify: true)
        #expect(try await Self.get(port, unchecked).get().status == 200)
    }
}
