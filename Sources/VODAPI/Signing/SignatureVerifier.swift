import Crypto
import HTTPClient
import Primitives

/// Checks a received request's signature the way the API gateway does, with the secret it
/// knows for the AccessKeyId: V2 (`Signature` parameter) or V3 (`Authorization` header).
/// Pure; used by the simulator and by tests that stand in for the API.
public enum SignatureVerifier {
    /// A request as it arrived.
    public struct Received: Sendable {
        public var method: HTTPMethod
        /// The raw query string (after `?`).
        public var query: String
        /// Header values by lower-cased name.
        public var headers: [String: String]
        public var body: [UInt8]

        public init(method: HTTPMethod, query: String, headers: [String: String], body: [UInt8]) {
            self.method = method
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// A request whose signature checked out, with the values the gateway goes on to check.
    public struct SignedRequest: Sendable, Equatable {
        public var version: SignatureVersion
        public var accessKeyId: String
        public var securityToken: String?
        public var action: String?
        /// The API version (`Version` / `x-acs-version`).
        public var apiVersion: String?
        /// The signing time text (`Timestamp` / `x-acs-date`).
        public var timestamp: String?
        public var nonce: String?
        /// Business and common parameters from the query and a form body (not the signature).
        public var parameters: [String: String]
    }

    /// Why a signature did not check out, named as the gateway names it.
    public enum Failure: Error, Equatable, Sendable {
        /// `IncompleteSignature`: no signature, or a malformed one.
        case incomplete(String)
        /// `InvalidAccessKeyId.NotFound`.
        case unknownAccessKey(String)
        /// `SignatureDoesNotMatch`, with the string the server signed.
        case mismatch(serverStringToSign: String)

        public var code: String {
            switch self {
            case .incomplete: "IncompleteSignature"
            case .unknownAccessKey: "InvalidAccessKeyId.NotFound"
            case .mismatch: "SignatureDoesNotMatch"
            }
        }

        public var status: Int {
            if case .unknownAccessKey = self { return 404 }
            return 400
        }

        public var message: String {
            switch self {
            case .incomplete(let detail): "The request signature does not conform to Aliyun standards. \(detail)"
            case .unknownAccessKey: "Specified access key is not found."
            case .mismatch(let stringToSign): "Specified signature is not matched with our calculation. server string to sign is:\(stringToSign)"
            }
        }
    }

    /// Verifies `received` against `secret(accessKeyId)`.
    public static func verify(_ received: Received, secret: (String) -> String?) -> Result<SignedRequest, Failure> {
        var query: [String: String] = [:]
        for pair in PercentEncoding.parsePairs(received.query, plusAsSpace: false) ?? [] { query[pair.key] = pair.value }
        var form: [String: String] = [:]
        if received.headers["content-type"]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            for pair in PercentEncoding.parsePairs(String(decoding: received.body, as: UTF8.self), plusAsSpace: true) ?? [] {
                form[pair.key] = pair.value
            }
        }
        if let authorization = received.headers["authorization"] {
            return verifyV3(received, authorization: authorization, query: query, form: form, secret: secret)
        }
        var parameters = query.merging(form) { fromQuery, _ in fromQuery }
        guard let signature = parameters.removeValue(forKey: "Signature") else { return .failure(.incomplete("Signature is missing.")) }
        guard let keyId = parameters["AccessKeyId"] else { return .failure(.incomplete("AccessKeyId is missing.")) }
        guard let keySecret = secret(keyId) else { return .failure(.unknownAccessKey(keyId)) }
        let stringToSign = SignatureV2.stringToSign(method: received.method, parameters: parameters)
        guard ConstantTime.equals(Array(SignatureV2.signature(stringToSign: stringToSign, secret: keySecret).utf8), Array(signature.utf8)) else {
            return .failure(.mismatch(serverStringToSign: stringToSign))
        }
        return .success(SignedRequest(
            version: .v2, accessKeyId: keyId, securityToken: parameters["SecurityToken"], action: parameters["Action"],
            apiVersion: parameters["Version"], timestamp: parameters["Timestamp"], nonce: parameters["SignatureNonce"], parameters: parameters))
    }

    private static func verifyV3(_ received: Received, authorization: String, query: [String: String], form: [String: String],
                                 secret: (String) -> String?) -> Result<SignedRequest, Failure> {
        let prefix = SignatureV3.algorithm + " "
        guard authorization.hasPrefix(prefix) else { return .failure(.incomplete("Unsupported signature algorithm.")) }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(prefix.count).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0]).trimmingWhitespace()] = String(pair[1]).trimmingWhitespace() }
        }
        guard let keyId = fields["Credential"], let signedNames = fields["SignedHeaders"], let signature = fields["Signature"] else {
            return .failure(.incomplete("Authorization needs Credential, SignedHeaders and Signature."))
        }
        guard let keySecret = secret(keyId) else { return .failure(.unknownAccessKey(keyId)) }
        let payloadHash = Hex.lowercase(SHA256.hash(received.body))
        guard received.headers["x-acs-content-sha256"] == payloadHash else {
            return .failure(.incomplete("x-acs-content-sha256 does not match the body."))
        }
        var headers: [(name: String, value: String)] = []
        for name in signedNames.split(separator: ";").map(String.init) {
            guard let value = received.headers[name] else { return .failure(.incomplete("Signed header \(name) is missing.")) }
            headers.append((name, value))
        }
        for required in ["host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce"] where !signedNames.split(separator: ";").contains(Substring(required)) {
            return .failure(.incomplete("Header \(required) must be signed."))
        }
        let canonical = SignatureV3.canonicalRequest(method: received.method, query: query, headers: headers, hashedPayload: payloadHash)
        guard ConstantTime.equals(Array(SignatureV3.signature(canonicalRequest: canonical.request, secret: keySecret).utf8), Array(signature.utf8)) else {
            return .failure(.mismatch(serverStringToSign: SignatureV3.stringToSign(canonicalRequest: canonical.request)))
        }
        return .success(SignedRequest(
            version: .v3, accessKeyId: keyId, securityToken: received.headers["x-acs-security-token"], action: received.headers["x-acs-action"],
            apiVersion: received.headers["x-acs-version"], timestamp: received.headers["x-acs-date"], nonce: received.headers["x-acs-signature-nonce"],
            parameters: query.merging(form) { fromQuery, _ in fromQuery }))
    }
}
