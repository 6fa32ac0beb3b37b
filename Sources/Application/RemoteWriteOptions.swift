import Flags
import HTTPClient
import Primitives
import RemoteWrite
import VODAPI

/// The `--remote-write.*` flags the agent and `backfill` share: where samples go and how the
/// receiver is reached (authorization, headers, TLS, timeout), validated into a sender.
struct RemoteWriteOptions: Sendable {
    static let url = Flag.optionalString("remote-write.url", placeholder: "URL",
        help: "Send every settled 5-minute bucket (and realtime minute) at its own time to this Prometheus remote-write receiver, such as http://prometheus:9090/api/v1/write.")
    static let bearerTokenFile = Flag.optionalString("remote-write.bearer-token-file", placeholder: "PATH",
        help: "Send Authorization: Bearer with the token in this file (read again for every request, so rotated tokens apply).")
    static let username = Flag.optionalString("remote-write.basic-auth.username", placeholder: "NAME",
        help: "Basic auth for the receiver (with --remote-write.basic-auth.password-file).")
    static let passwordFile = Flag.optionalString("remote-write.basic-auth.password-file", placeholder: "PATH",
        help: "The receiver's basic-auth password (read again for every request; one trailing newline ignored).")
    static let header = Flag.list("remote-write.header", placeholder: "NAME: VALUE",
        help: "An extra header for the receiver, such as X-Scope-OrgID: team-a (repeat for several; a value cannot contain a comma).")
    static let timeout = Flag.duration("remote-write.timeout", default: 30, atLeast: 1, atMost: 600, help: "How long one request to the receiver may take.")
    static let caFile = Flag.optionalString("remote-write.tls.ca-file", placeholder: "PATH",
        help: "CA certificates (PEM) to verify an https receiver with, instead of the system's.")
    static let certFile = Flag.optionalString("remote-write.tls.cert-file", placeholder: "PATH",
        help: "Client certificate (PEM) for an https receiver that asks for one (with --remote-write.tls.key-file).")
    static let keyFile = Flag.optionalString("remote-write.tls.key-file", placeholder: "PATH", help: "The client certificate's private key (PEM).")
    static let insecureSkipVerify = Flag.boolean("remote-write.tls.insecure-skip-verify", default: false,
        help: "Do not verify the receiver's certificate or name (tests and labs only).")
    /// The agent's alone: how much may wait for a receiver that is away.
    static let queueLimit = Flag.integer("remote-write.queue-limit", default: 10_000_000, in: WriteRequest.maxSamples...1_000_000_000, placeholder: "SAMPLES",
        help: "Most samples kept on disk for a receiver that is away (about 10 bytes each; 1,000 domains make about 4 million a day); when full, the oldest go.")

    /// The flags of the receiver, shared by the agent and `backfill`, in `--help` order.
    static let receiverFlags: [any FlagDeclaration] = [url, bearerTokenFile, username, passwordFile, header, timeout, caFile, certFile, keyFile, insecureSkipVerify]
    /// The agent's remote-write flags.
    static let agentFlags: [any FlagDeclaration] = receiverFlags + [queueLimit]

    /// The receiver; nil without `--remote-write.url`.
    let url: String?
    let timeout: Double
    let tls: ClientTLS
    let queueLimit: Int
    private let bearerTokenFile: String?
    private let basicAuth: (username: String, passwordFile: String)?
    private let extraHeaders: [(name: String, value: String)]

    /// Reads and checks the flags; the secret files must be readable now (a typo is found at
    /// start, not at the first send).
    init(_ flags: FlagValues) throws(UsageError) {
        url = try flags.value(Self.url)
        if let url, !HTTPRequest.isAbsoluteHTTPURL(url) {
            throw flags.invalid(Self.url, url, expected: "an http:// or https:// URL")
        }
        timeout = try flags.value(Self.timeout)
        queueLimit = try flags.value(Self.queueLimit)
        bearerTokenFile = try flags.value(Self.bearerTokenFile)
        switch (try flags.value(Self.username), try flags.value(Self.passwordFile)) {
        case (nil, nil): basicAuth = nil
        case (let user?, let file?): basicAuth = (user, file)
        default: throw UsageError("--remote-write.basic-auth.username and --remote-write.basic-auth.password-file go together")
        }
        if bearerTokenFile != nil && basicAuth != nil { throw UsageError("give a bearer token or basic auth for the receiver, not both") }
        var headers: [(name: String, value: String)] = []
        for text in try flags.value(Self.header) {
            guard let colon = text.firstIndex(of: ":") else { throw flags.invalid(Self.header, text, expected: "NAME: VALUE") }
            let name = text[..<colon].trimmingWhitespace(), value = text[text.index(after: colon)...].trimmingWhitespace()
            guard !name.isEmpty, !["authorization", "content-type", "content-encoding", "x-prometheus-remote-write-version"].contains(name.lowercased()) else {
                throw flags.invalid(Self.header, text, expected: "a header other than Authorization and the protocol's own")
            }
            headers.append((name, value))
        }
        extraHeaders = headers
        let (ca, cert, key) = (try flags.value(Self.caFile), try flags.value(Self.certFile), try flags.value(Self.keyFile))
        guard (cert == nil) == (key == nil) else { throw UsageError("--remote-write.tls.cert-file and --remote-write.tls.key-file go together") }
        for (flag, path) in [(Self.caFile, ca), (Self.certFile, cert), (Self.keyFile, key)] {
            if let path, !FileSystem.exists(path) { throw flags.invalid(flag, path, expected: "an existing file") }
        }
        tls = ClientTLS(caFile: ca, certFile: cert, keyFile: key, insecureSkipVerify: try flags.value(Self.insecureSkipVerify))
        if url != nil {
            do {
                _ = try authorization()
            } catch {
                throw UsageError(error.description)
            }
        }
    }

    /// The Authorization header's value from the secret files as they are now; nil without one.
    func authorization() throws(RemoteWriteSender.Failure) -> String? {
        func secret(_ path: String, _ flag: String) throws(RemoteWriteSender.Failure) -> String {
            do {
                var text = try TextFile.read(path, maxBytes: 64 * 1024)
                if text.hasSuffix("\n") { text.removeLast() }
                return text
            } catch {
                throw RemoteWriteSender.Failure(description: "--\(flag): \(error.description)", refused: false)
            }
        }
        if let bearerTokenFile { return "Bearer " + (try secret(bearerTokenFile, Self.bearerTokenFile.definition.name)) }
        if let basicAuth {
            let password = try secret(basicAuth.passwordFile, Self.passwordFile.definition.name)
            return "Basic " + Base64.encode(Array("\(basicAuth.username):\(password)".utf8))
        }
        return nil
    }

    /// The sender for `url`.
    /// - Parameters:
    ///   - maxAttempts: tries per request (the agent's sender never gives up; `backfill`'s does).
    func sender(url: String, transport: any HTTPTransport, maxAttempts: Int, pause: @escaping @Sendable (Double) async -> Void) -> RemoteWriteSender {
        let fixed = extraHeaders + [("User-Agent", ProductVersion.userAgent)]
        return RemoteWriteSender(url: url, headers: { [self] () throws(RemoteWriteSender.Failure) in
            try authorization().map { fixed + [("Authorization", $0)] } ?? fixed
        }, transport: transport, timeout: timeout, maxAttempts: maxAttempts, pause: pause)
    }
}
