import VODAPI

/// What to do about an error an API call met: one fix per error the operator can cause or cure.
/// Pure.
enum ErrorAdvice {
    /// The fix for `error` from calling `action`; empty when there is nothing to advise.
    static func fix(for error: VODClientError, action: String) -> String {
        if let api = error.apiError {
            let code = api.code
            if code.hasPrefix("InvalidAccessKeyId") {
                return "the AccessKeyId does not exist or is disabled: check it in the RAM console and which source supplied it (the credentials row)"
            }
            if code == "SignatureDoesNotMatch" || code == "IncompleteSignature" || code.hasPrefix("InvalidAccessKeySecret") {
                return "the AccessKeySecret does not belong to the AccessKeyId: set the secret created with that key"
            }
            if code.hasPrefix("InvalidTimeStamp") {
                return "this machine's clock is more than 15 minutes off: synchronise it (chrony or systemd-timesyncd)"
            }
            if code.hasPrefix("InvalidSecurityToken") || code == "MissingSecurityToken" {
                return "the STS token is expired or invalid: renew the temporary credentials (or use a source that refreshes them)"
            }
            if code.hasPrefix("Forbidden") || code == "NoPermission" || code.hasPrefix("OperationDenied") {
                return "grant the RAM action vod:\(action) (the policy AliyunVODReadOnlyAccess covers every read call)"
            }
            if code == "InvalidDomain.NotFound" {
                return "the domain is not on this account (or its name is misspelt): `vodcdn-exporter domains` lists the account's domains"
            }
            if api.category == .throttled {
                return "the account's API rate limit is reached (shared by every client of the account): lower --api.max-qps or try later"
            }
            if api.category == .serverError {
                return "the API failed on its side: try again later; the RequestId identifies the call for Alibaba Cloud support"
            }
            return ""
        }
        switch error {
        case .transport(_, let transport):
            switch transport.kind {
            case .connectFailed: return "the endpoint cannot be reached: check DNS, the proxy variables (lowercase https_proxy), firewalls and --aliyun.endpoint"
            case .timedOut: return "no answer within --api.timeout: check the network path, or raise --api.timeout"
            case .clientUnavailable: return "see the http client row"
            default: return "check the network path to the endpoint"
            }
        case .credentials: return "see the credentials row"
        default: return ""
        }
    }
}
