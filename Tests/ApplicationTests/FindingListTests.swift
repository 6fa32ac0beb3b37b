@testable import Application
import Testing

/// `check` fits an 80-column terminal: each line at most 80 characters (a URL longer than its
/// column stands alone), the fix on its own arrow line.
@Suite struct FindingListTests {
    @Test func linesFitEightyColumns() {
        let detail = "DescribeVodUserDomains failed: SignatureDoesNotMatch (HTTP 400): Specified signature is not matched with our calculation. [RequestId 5F1D0C2A-0000-4000-8000-000000000002] see https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=vod&requestId=5F1D0C2A-0000-4000-8000-000000000002"
        let text = FindingList.render([
            ("clock", "ok", "this machine is 0 s ahead of the endpoint", ""),
            ("DescribeVodUserDomains", "fail", detail, "the AccessKeySecret does not belong to the AccessKeyId: set the secret created with that key"),
            ("RefreshVodObjectCaches, PreloadVodObjectCaches", "skip", "not sent: they use quota", "grant vod:RefreshVodObjectCaches"),
        ])
        let lines = text.split(separator: "\n").map(String.init)
        for line in lines where !line.contains("https://") {
            #expect(line.count <= 80, "\(line.count): \(line)")
        }
        #expect(lines[0] == "clock                        ok     this machine is 0 s ahead of the endpoint")
        #expect(lines[1].hasPrefix("DescribeVodUserDomains       fail   DescribeVodUserDomains failed:"))
        #expect(lines.contains { String($0.drop { $0 == " " }) == "https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=vod&requestId=5F1D0C2A-0000-4000-8000-000000000002" })
        #expect(lines.contains("                             → the AccessKeySecret does not belong to the"))
        #expect(lines.contains("                               AccessKeyId: set the secret created with that key"))
        #expect(lines.contains("RefreshVodObjectCaches, PreloadVodObjectCaches") && lines.contains("                             skip   not sent: they use quota"))
        // Every word of every text is there, in order.
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(words.contains(detail))
    }

    @Test func wrapping() {
        #expect(FindingList.wrap("a bb ccc dddd", width: 6) == ["a bb", "ccc", "dddd"])
        #expect(FindingList.wrap("", width: 6) == [""])
        #expect(FindingList.wrap("longerthanwidth x", width: 6) == ["longerthanwidth", "x"])
    }
}
