import CTLS
#if canImport(Glibc)
import Glibc
#endif
import Primitives

/// A TLS server context of the system OpenSSL, built from the web configuration's
/// `tls_server_config`: certificate chain and key, client certificate policy, versions, ciphers.
/// Each new connection gets its session from the context in force then.
///
/// - Important: `@unchecked Sendable`: it owns an `SSL_CTX` pointer, which OpenSSL allows to be
///   shared by threads once built (sessions are created from it concurrently); it is never
///   changed after `init` and freed only in `deinit`.
public final class TLSContext: @unchecked Sendable {
    /// Why a context cannot be built: OpenSSL missing, a file unreadable, a key that does not
    /// match, a version or cipher OpenSSL refuses.
    public struct SetupError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    let pointer: UnsafeMutableRawPointer

    public init(_ settings: WebConfiguration.TLS) throws(SetupError) {
        func pem(_ source: WebConfiguration.TLS.Source, _ what: String) throws(SetupError) -> [UInt8] {
            switch source {
            case .inline(let text): return Array(text.utf8)
            case .file(let path):
                do {
                    return Array(try TextFile.read(path, maxBytes: 1 << 20).utf8)
                } catch {
                    throw SetupError(description: "\(what): \(error.description)")
                }
            }
        }
        let certificate = try pem(settings.certificate, "cert_file")
        let key = try pem(settings.key, "key_file")
        let authorities = try settings.clientCA.map { source throws(SetupError) in try pem(source, "client_ca_file") }
        // Checked after the files are read, as the toolkit does.
        if authorities != nil && settings.clientAuth == .noClientCert {
            throw SetupError(description: "a client CA is configured without a client auth policy: client_auth_type is NoClientCert (use RequireAndVerifyClientCert)")
        }
        let tls13Suites = settings.tls13CipherSuites.isEmpty ? nil : settings.tls13CipherSuites.joined(separator: ":")
        let ciphers = settings.cipherSuites.isEmpty ? nil : settings.cipherSuites.joined(separator: ":")
        let groups = settings.curves.isEmpty ? nil : settings.curves.joined(separator: ":")
        var error = [CChar](repeating: 0, count: 512)
        let created: UnsafeMutableRawPointer? = certificate.withUnsafeBufferPointer { certificateBytes in
            key.withUnsafeBufferPointer { keyBytes in
                (authorities ?? []).withUnsafeBufferPointer { authorityBytes in
                    Self.withOptionalCString(ciphers) { cipherList in
                        Self.withOptionalCString(groups) { groupList in
                            certificateBytes.withMemoryRebound(to: CChar.self) { certificateText in
                                keyBytes.withMemoryRebound(to: CChar.self) { keyText in
                                    authorityBytes.withMemoryRebound(to: CChar.self) { authorityText in
                                      Self.withOptionalCString(tls13Suites) { tls13List in
                                       Self.withCStrings(settings.clientAllowedSANs) { sans, sanCount in
                                        var values = vodtls_settings(
                                            certificate_pem: certificateText.baseAddress, certificate_length: certificateText.count,
                                            key_pem: keyText.baseAddress, key_length: keyText.count,
                                            client_ca_pem: authorities == nil ? nil : authorityText.baseAddress, client_ca_length: authorityText.count,
                                            client_auth: Int32(Self.clientAuthCode(settings.clientAuth)),
                                            min_version: Int32(settings.minVersion), max_version: Int32(settings.maxVersion),
                                            cipher_list: cipherList, groups_list: groupList,
                                            prefer_server_ciphers: settings.preferServerCipherSuites ? 1 : 0,
                                            tls13_suites: tls13List, allowed_sans: sans, allowed_san_count: sanCount)
                                        return vodtls_context_create(&values, &error, error.count)
                                       }
                                      }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard let created else {
            throw SetupError(description: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        pointer = created
        let end = vodtls_context_not_after(created)
        notAfter = end > 0 ? Double(end) : nil
    }

    /// When the certificate expires (seconds since the epoch), when known.
    public let notAfter: Double?

    deinit {
        vodtls_context_free(pointer)
    }

    private static func clientAuthCode(_ auth: WebConfiguration.TLS.ClientAuth) -> Int {
        switch auth {
        case .noClientCert: 0
        case .requestClientCert: 1
        case .requireAnyClientCert: 2
        case .verifyClientCertIfGiven: 3
        case .requireAndVerifyClientCert: 4
        }
    }

    /// `texts` as C strings for the duration of `body` (copies: C keeps no pointer to them).
    private static func withCStrings<Result>(_ texts: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?, Int) -> Result) -> Result {
        let copies = texts.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer<CChar>($0) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress, $0.count) }
    }

    private static func withOptionalCString<Result>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        guard let text else { return body(nil) }
        return text.withCString { body($0) }
    }
}
