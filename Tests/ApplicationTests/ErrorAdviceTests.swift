@testable import Application
import HTTPClient
import Testing
import VODAPI

/// `check` gives a fix for every error an operator can cause or cure.
@Suite struct ErrorAdviceTests {
    static func api(_ code: String, status: Int = 400) -> VODClientError {
        .api(action: "DescribeVodDomainTrafficData", APIError(status: status, code: code, message: "m", requestId: "r"))
    }

    @Test(arguments: [
        ("InvalidAccessKeyId.NotFound", "AccessKeyId does not exist"), ("InvalidAccessKeyId.Inactive", "AccessKeyId does not exist"),
        ("SignatureDoesNotMatch", "AccessKeySecret does not belong"), ("InvalidTimeStamp.Expired", "clock is more than 15 minutes off"),
        ("InvalidSecurityToken.Expired", "STS token"), ("Forbidden.RAM", "grant the RAM action vod:DescribeVodDomainTrafficData"),
        ("Throttling.User", "rate limit"), ("ServiceUnavailable", "RequestId"),
    ])
    func apiErrors(code: String, advice: String) {
        let status = code == "ServiceUnavailable" ? 503 : 400
        #expect(ErrorAdvice.fix(for: Self.api(code, status: status), action: "DescribeVodDomainTrafficData").contains(advice), "\(code)")
    }

    @Test func transportErrors() {
        let refused = VODClientError.transport(action: "A", TransportError(kind: .connectFailed, detail: "refused"))
        #expect(ErrorAdvice.fix(for: refused, action: "A").contains("DNS"))
        let slow = VODClientError.transport(action: "A", TransportError(kind: .timedOut, detail: "10 s"))
        #expect(ErrorAdvice.fix(for: slow, action: "A").contains("--api.timeout"))
        #expect(ErrorAdvice.fix(for: Self.api("InvalidParameter"), action: "A").isEmpty)
    }
}
