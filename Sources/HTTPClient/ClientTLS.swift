/// How an https client checks the server and shows itself: the CA bundle to trust instead of the
/// system's, a client certificate and key, or (tests and labs only) no check at all. The files
/// are read by the TLS library at each new connection, so renewed certificates apply without a
/// restart.
public struct ClientTLS: Sendable, Equatable {
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var insecureSkipVerify: Bool

    /// The system's trust store, no client certificate.
    public static let system = ClientTLS()

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, insecureSkipVerify: Bool = false) {
        precondition((certFile == nil) == (keyFile == nil), "a client certificate comes with its key")
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecureSkipVerify = insecureSkipVerify
    }
}
