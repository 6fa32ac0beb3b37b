import Crypto
import HTTPClient
import Primitives
/// Alibaba Cloud RPC signature V2: HMAC-SHA1 over the canonical query string, key
/// `AccessKeySecret + "&"`, Base64 result sent as the `Signature` parameter.
public enum SignatureV2 {
    /// The string to sign: `METHOD&%2F&` followed by the encoded canonical query.
    public static func stringToSign(method: HTTPMethod, parameters: [String: String]) -> String {
        "\(method.rawValue)&\(PercentEncoding.encode("/"))&\(PercentEncoding.encode(PercentEncoding.canonicalQuery(parameters)))"
    }

    /// `Base64(HMAC-SHA1(secret + "&", stringToSign))`.
    public static func signature(stringToSign: String, secret: String) -> String {
        Base64.encode(HMAC<SHA1>.authenticationCode(for: stringToSign, key: secret + "&"))
    }

    /// Every parameter a V2 request sends except `Signature`: the business parameters plus the
    /// common ones (Action, Version, Format, AccessKeyId, SignatureMethod/Version/Nonce,
    /// Timestamp and, for STS credentials, SecurityToken).
    public static func signedParameters(
        for request: RPCRequest, credentials: Credentials, timestamp: String, nonce: String
    ) -> [String: String] {
        var parameters = request.parameters
        parameters["Action"] = request.action
        parameters["Version"] = request.version
        parameters["Format"] = "JSON"
        parameters["AccessKeyId"] = credentials.accessKeyId
        parameters["SignatureMethod"] = "HMAC-SHA1"
        parameters["SignatureVersion"] = "1.0"
        parameters["SignatureNonce"] = nonce
        parameters["Timestamp"] = timestamp
        if let token = credentials.securityToken {
            parameters["SecurityToken"] = token
        }
        return parameters
    }
}
