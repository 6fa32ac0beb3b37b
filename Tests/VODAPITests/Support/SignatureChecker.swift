import Primitives
@testable import VODAPI

/// Recomputes a received request's signature the way the API does, with the secret it knows.
enum SignatureChecker {
    enum Verdict: Equatable {
        case valid(version: SignatureVersion, accessKeyId: String, securityToken: String?, parameters: [String: String])
        case invalid(String)
    }

    static func check(_ request: LoopbackServer.Request, secrets: [String: String], host: String) -> Verdict {
        guard let method = HTTPMethod(rawValue: request.method) else { return .invalid("method") }
        var query: [String: String] = [:]
        for pair in PercentEncoding.parsePairs(request.query, plusAsSpace: false) ?? [] { query[pair.key] = pair.value }
        var form: [String: String] = [:]
        if request.headers["content-type"]?.hasPrefix("application/x-www-form-urlencoded") == true {
            for pair in PercentEncoding.parsePairs(String(decoding: request.body, as: UTF8.self), plusAsSpace: true) ?? [] {
                form[pair.key] = pair.value
            }
        }
        if let authorization = request.headers["authorization"] {
            return checkV3(request, method: method, authorization: authorization, query: query, form: form, secrets: secrets, host: host)
        }
        var parameters = query.merging(form) { a, _ in a }
        guard let signature = parameters.removeValue(forKey: "Signature"), let keyId = parameters["AccessKeyId"],
            let secret = secrets[keyId]
        else { return .invalid("V2: missing Signature or unknown AccessKeyId") }
        let expected = SignatureV2.signature(
            stringToSign: SignatureV2.stringToSign(method: method, parameters: parameters), secret: secret)
        guard expected == signature else { return .invalid("V2 signature mismatch") }
        return .valid(version: .v2, accessKeyId: keyId, securityToken: parameters["SecurityToken"], parameters: parameters)
    }

    private static func checkV3(
        _ request: LoopbackServer.Request, method: HTTPMethod, authorization: String, query: [String: String],
        form: [String: String], secrets: [String: String], host: String
    ) -> Verdict {
        let prefix = "ACS3-HMAC-SHA256 "
        guard authorization.hasPrefix(prefix) else { return .invalid("V3: algorithm") }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(prefix.count).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let keyId = fields["Credential"], let signedNames = fields["SignedHeaders"], let signature = fields["Signature"],
            let secret = secrets[keyId]
        else { return .invalid("V3: malformed Authorization or unknown key") }
        let payloadHash = Hex.lowercase(SHA256.hash(request.body))
        guard request.headers["x-acs-content-sha256"] == payloadHash else { return .invalid("V3: payload hash") }
        var headers: [(name: String, value: String)] = []
        for name in signedNames.split(separator: ";").map(String.init) {
            guard let value = name == "host" ? (request.headers["host"] ?? host) : request.headers[name] else {
                return .invalid("V3: signed header \(name) missing")
            }
            headers.append((name, value))
        }
        let canonical = SignatureV3.canonicalRequest(method: method, query: query, headers: headers, hashedPayload: payloadHash)
        guard SignatureV3.signature(canonicalRequest: canonical.request, secret: secret) == signature else {
            return .invalid("V3 signature mismatch")
        }
        var parameters = query.merging(form) { a, _ in a }
        parameters["Action"] = request.headers["x-acs-action"]
        return .valid(version: .v3, accessKeyId: keyId, securityToken: request.headers["x-acs-security-token"], parameters: parameters)
    }
}
