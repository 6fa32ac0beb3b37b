import HTTPClient
import Primitives
@testable import VODAPI

/// Checks a request the loopback server received with the library's `SignatureVerifier`.
enum SignatureChecker {
    enum Verdict: Equatable {
        case valid(version: SignatureVersion, accessKeyId: String, securityToken: String?, parameters: [String: String])
        case invalid(String)
    }

    static func check(_ request: LoopbackServer.Request, secrets: [String: String], host: String) -> Verdict {
        guard let method = HTTPMethod(rawValue: request.method) else { return .invalid("method") }
        var headers = request.headers
        if headers["host"] == nil { headers["host"] = host }
        switch SignatureVerifier.verify(.init(method: method, query: request.query, headers: headers, body: request.body), secret: { secrets[$0] }) {
        case .success(let signed):
            var parameters = signed.parameters
            if signed.version == .v3 { parameters["Action"] = signed.action }
            return .valid(version: signed.version, accessKeyId: signed.accessKeyId, securityToken: signed.securityToken, parameters: parameters)
        case .failure(let failure):
            return .invalid(failure.code)
        }
    }
}
