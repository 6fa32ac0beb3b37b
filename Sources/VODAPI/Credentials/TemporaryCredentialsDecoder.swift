import HTTPClient
/// Reads the temporary credentials that STS, the ECS metadata service and credential URIs
/// return: `AccessKeyId`, `AccessKeySecret`, `SecurityToken`, `Expiration`.
enum TemporaryCredentialsDecoder {
    /// Decodes `object`, requiring `Code == "Success"` when `requireSuccessCode` is set.
    static func decode(_ object: JSONCursor, source: String, requireSuccessCode: Bool) throws(CredentialsError) -> Credentials {
        do {
            if requireSuccessCode {
                let code = try object.optionalString("Code")
                guard code == "Success" else {
                    throw CredentialsError(source: source, problem: "the answer's Code is '\(code ?? "missing")', not 'Success'")
                }
            }
            let id = try object.string("AccessKeyId")
            let secret = try object.string("AccessKeySecret")
            let token = try object.string("SecurityToken")
            guard !id.isEmpty, !secret.isEmpty, !token.isEmpty else {
                throw CredentialsError(source: source, problem: "the answer has empty credentials")
            }
            guard let expiration = try object.timestamp("Expiration") else {
                throw CredentialsError(source: source, problem: "the answer has no Expiration")
            }
            return Credentials(accessKeyId: id, accessKeySecret: secret, securityToken: token, expiration: expiration)
        } catch let error as CredentialsError {
            throw error
        } catch {
            throw CredentialsError(source: source, problem: "unexpected answer: \(error)")
        }
    }

    /// Parses a JSON body; failures name the source and never echo the body.
    /// `sentSecrets` are values the request carried (a key secret, an OIDC token); a server
    /// that echoes them in its message gets them scrubbed.
    static func parseBody(_ response: TransportResponse, source: String, sentSecrets: [String] = []) throws(CredentialsError) -> JSONCursor {
        guard (200..<300).contains(response.status) else {
            let apiError = APIErrorParser.parse(response)
            let message = Redaction.scrub(apiError.message, values: sentSecrets)
            throw CredentialsError(source: source, problem: "HTTP \(response.status) \(apiError.code): \(message)")
        }
        guard let value = try? JSONValue.parse(response.body) else {
            throw CredentialsError(source: source, problem: "the answer is not JSON")
        }
        return JSONCursor(value)
    }
}
