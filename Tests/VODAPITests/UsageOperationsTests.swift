import Testing
import VODAPI

/// The billing operations: their parameter rules and the shapes (and typing quirks) of their answers.
@Suite struct UsageOperationsTests {
    static func cursor(_ text: String) throws -> JSONCursor {
        JSONCursor(try JSONValue.parse(Array(text.utf8)))
    }

    @Test func usageDataSendsItsRequiredParametersAndChecksTheGrid() throws {
        let start: Int64 = 1_796_000_400  // on the hour
        let operation = DescribeVodDomainUsageData(field: .traffic, area: .overseas, domains: ["a.example.com", "b.example.com"], start: start, end: start + 7200, interval: 3600)
        let parameters = try operation.parameters()
        #expect(parameters["Field"] == "traf" && parameters["Area"] == "OverSeas" && parameters["Interval"] == "3600" && parameters["Type"] == "all")
        #expect(parameters["DomainName"] == "a.example.com,b.example.com" && parameters["StartTime"] == "2026-11-30T01:00:00Z")
        #expect(throws: RequestValidationError.self) { try DescribeVodDomainUsageData(field: .bandwidth, area: .domestic, start: start, end: start + 4 * 86_400, interval: 300).parameters() }
        #expect(throws: RequestValidationError.self) { try DescribeVodDomainUsageData(field: .bandwidth, area: .domestic, start: start + 60, end: start + 3600, interval: 300).parameters() }
        #expect(throws: RequestValidationError.self) { try DescribeVodDomainUsageData(field: .bandwidth, area: .domestic, start: start, end: start + 3600, interval: 60).parameters() }
        let tooMany = (0...100).map { "d\($0).example.com" }
        #expect(throws: RequestValidationError.self) { try DescribeVodDomainUsageData(field: .traffic, area: .domestic, domains: tooMany, start: start, end: start + 3600, interval: 300).parameters() }
    }

    @Test func usageDataDecodesStringsAndLeavesEmptySlotsOut() throws {
        let body = try Self.cursor("""
            {"RequestId": "r", "UsageDataPerInterval": {"DataModule": [
              {"TimeStamp": "2026-11-30T16:00:00Z", "Value": "2592.3920000000003"},
              {"TimeStamp": "2026-11-30T17:00:00Z", "Value": ""},
              {"TimeStamp": "2026-11-30T18:00:00Z", "Value": 17}]}}
            """)
        let response = try DescribeVodDomainUsageData.decodeResponse(body)
        #expect(response.slots == [.init(timestamp: 1_796_054_400, value: 2592.3920000000003), .init(timestamp: 1_796_061_600, value: 17)])
        let negative = try Self.cursor(#"{"UsageDataPerInterval": {"DataModule": [{"TimeStamp": "2026-11-30T16:00:00Z", "Value": "-5"}]}}"#)
        #expect(throws: ResponseDecodingError.self) { try DescribeVodDomainUsageData.decodeResponse(negative) }
    }

    @Test func max95TakesOneDomainAndDecodesItsFigures() throws {
        let parameters = try DescribeVodDomainMax95BpsData(domain: "a.example.com", cycle: .month, start: 1_796_054_400, end: 1_798_732_800).parameters()
        #expect(parameters["Cycle"] == "month" && parameters["DomainName"] == "a.example.com" && parameters["EndTime"] == "2026-12-31T16:00:00Z")
        #expect(try DescribeVodDomainMax95BpsData(domain: nil, cycle: .day, start: 0, end: 86_400).parameters()["DomainName"] == nil, "nil: the account merged")
        let body = try Self.cursor("""
            {"RequestId": "r", "Max95Bps": "1.2E9", "DomesticMax95Bps": "1000000000", "OverseasMax95Bps": "",
             "DetailData": {"Max95Detail": [{"Area": "CN", "Max95Bps": 1000000000.5, "Max95BpsPeakTime": "2026-11-30T20:05:00Z", "TimeStamp": "2026-11-30T16:00:00Z"},
                                            {"Area": "OverSeas", "Max95Bps": "", "TimeStamp": "2026-11-30T16:00:00Z"}]}}
            """)
        let response = try DescribeVodDomainMax95BpsData.decodeResponse(body)
        #expect(response.bitsPerSecond == 1.2e9 && response.domesticBitsPerSecond == 1e9 && response.overseasBitsPerSecond == nil)
        #expect(response.details == [.init(area: "CN", bitsPerSecond: 1_000_000_000.5, peakTime: 1_796_069_100)])
        #expect(throws: ResponseDecodingError.self) { try DescribeVodDomainMax95BpsData.decodeResponse(try Self.cursor(#"{"Max95Bps": "fast"}"#)) }
    }
}
