import Primitives
import Foundation
import Testing
@testable import VODAPI

/// Fixture bodies from the test bundle.
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    static func cursor(_ name: String) throws -> JSONCursor {
        JSONCursor(try JSONValue.parse(try bytes(name)))
    }
}

@Suite("Tolerant, path-precise response decoding")
struct DecodingTests {
    @Test("traffic: strings and numbers both decode, \"\" is absent, unknown fields ignored")
    func traffic() throws {
        let series = try DescribeVodDomainTrafficData.decodeResponse(try Fixture.cursor("traffic"))
        #expect(series.requestId == "A1B2")
        #expect(series.dataInterval == 300)
        #expect(series.totalTraffic == 5_906_662_826)
        #expect(series.slots.count == 3)
        #expect(series.slots[0] == DataSlot(
            timestamp: 1_714_557_600, value: 11_288_111, domesticValue: 11_286_111, overseasValue: 2000,
            httpsValue: 1000, httpsDomesticValue: nil, httpsOverseasValue: nil))
        #expect(series.slots[1].value == 2592.3920000000003)
        #expect(series.slots[1].overseasValue == 0, "a real zero stays zero")
        #expect(series.slots[2].value == nil, "an empty string is absent, never zero")
    }

    @Test("an empty DataModule needs no interval; a missing container is an empty series")
    func emptySeries() throws {
        let series = try DescribeVodDomainBpsData.decodeResponse(try Fixture.cursor("bps_empty"))
        #expect(series.slots.isEmpty)
        #expect(series.dataInterval == 300)
        let bare = try DescribeVodDomainBpsData.decodeResponse(JSONCursor(.object(["RequestId": .string("x")])))
        #expect(bare.slots.isEmpty && bare.dataInterval == nil)
    }

    @Test("QPS rates and request counts")
    func qps() throws {
        let answer = try DescribeVodDomainQpsData.decodeResponse(try Fixture.cursor("qps"))
        #expect(answer.slots.count == 1)
        #expect(answer.slots[0].qps.value == 12.5)
        #expect(answer.slots[0].requests.value == 3750)
        #expect(answer.slots[0].requests.httpsValue == 300)
        #expect(answer.slots[0].requests.httpsDomesticValue == nil)
    }

    @Test("wrong shapes name the field path", arguments: [
        (#"{"DataInterval":"300","TrafficDataPerInterval":{"DataModule":[{"TimeStamp":"2024-05-01T10:00:00Z","Value":"12abc"}]}}"#,
         "TrafficDataPerInterval.DataModule[0].Value"),
        (#"{"DataInterval":"300","TrafficDataPerInterval":{"DataModule":[{"TimeStamp":"yesterday","Value":"1"}]}}"#,
         "TrafficDataPerInterval.DataModule[0].TimeStamp"),
        (#"{"DataInterval":"300","TrafficDataPerInterval":{"DataModule":{"TimeStamp":"2024-05-01T10:00:00Z"}}}"#,
         "TrafficDataPerInterval.DataModule"),
        (#"{"TrafficDataPerInterval":{"DataModule":[{"TimeStamp":"2024-05-01T10:00:00Z","Value":"1"}]}}"#,
         "DataInterval"),
        (#"{"DataInterval":"0","TrafficDataPerInterval":{"DataModule":[]}}"#, "DataInterval"),
        (#"{"DataInterval":"300","TrafficDataPerInterval":[1,2]}"#, "TrafficDataPerInterval"),
        (#"{"DataInterval":"300","TrafficDataPerInterval":{"DataModule":[{"Value":"1"}]}}"#,
         "TrafficDataPerInterval.DataModule[0].TimeStamp"),
        (#"[1,2,3]"#, "$"),
    ])
    func wrongShapes(body: String, path: String) throws {
        let cursor = JSONCursor(try JSONValue.parse(Array(body.utf8)))
        let error = #expect(throws: ResponseDecodingError.self) {
            _ = try DescribeVodDomainTrafficData.decodeResponse(cursor)
        }
        #expect(error?.path == path)
    }

    @Test("a body that is not JSON is a decoding error at $")
    func notJSON() {
        let error = #expect(throws: ResponseDecodingError.self) { _ = try JSONValue.parse(Array("{\"a\":".utf8)) }
        #expect(error?.path == "$")
    }

    @Test("user domains: integers as numbers or strings, sources ignored")
    func userDomains() throws {
        let page1 = try DescribeVodUserDomains.decodeResponse(try Fixture.cursor("user_domains_page1"))
        #expect(page1.totalCount == 3 && page1.domains.count == 2)
        #expect(page1.domains[0].name == "a.example.com" && page1.domains[0].sslEnabled)
        #expect(page1.domains[1].status == "offline" && !page1.domains[1].sslEnabled)
        let page2 = try DescribeVodUserDomains.decodeResponse(try Fixture.cursor("user_domains_page2"))
        #expect(page2.pageNumber == 2 && page2.totalCount == 3)
    }

    @Test("refresh tasks keep failure reasons and treat empty descriptions as absent")
    func refreshTasks() throws {
        let answer = try DescribeVodRefreshTasks.decodeResponse(try Fixture.cursor("refresh_tasks"))
        #expect(answer.totalCount == 2)
        #expect(answer.tasks[0].description == nil)
        #expect(answer.tasks[1].status == "Failed" && answer.tasks[1].description == "Origin Timeout")
        #expect(answer.tasks[1].creationTime == UTCTimestamp.parse("2014-11-27T08:24:22Z"))
    }

    @Test("refresh quota, including the lowercase blockRemain")
    func refreshQuota() throws {
        let quota = try DescribeVodRefreshQuota.decodeResponse(try Fixture.cursor("refresh_quota"))
        #expect(quota.url == .init(quota: 2000, remaining: 1996))
        #expect(quota.directory == .init(quota: 100, remaining: 99))
        #expect(quota.preload == .init(quota: 500, remaining: 500))
        #expect(quota.block == .init(quota: 500, remaining: 499))
        let missing = #expect(throws: ResponseDecodingError.self) {
            _ = try DescribeVodRefreshQuota.decodeResponse(JSONCursor(.object(["UrlQuota": .string("1")])))
        }
        #expect(missing?.path == "UrlRemain")
    }

    @Test("domain logs get an https scheme and integer sizes")
    func domainLog() throws {
        let page = try DescribeVodDomainLog.decodeResponse(try Fixture.cursor("domain_log"))
        #expect(page.total == 2 && page.files.count == 2)
        #expect(page.files[0].url.hasPrefix("https://cdnlog.example.com/"))
        #expect(page.files[0].size == 2_645_401)
        #expect(page.files[1].url == "https://cdnlog.example.com/b.gz" && page.files[1].size == 10)
    }

    @Test("realtime detail: the JSON-in-a-string Data, codes as object or text")
    func realtimeDetail() throws {
        let answer = try DescribeVodDomainRealTimeDetailData.decodeResponse(try Fixture.cursor("realtime_detail"))
        #expect(answer.records.count == 2)
        #expect(answer.records[0].bps == 8_000_000 && answer.records[0].qps == 10.5)
        #expect(answer.records[0].httpCodes == ["200": 600, "404": 3])
        #expect(answer.records[1].httpCodes == ["200": 10, "500": 1])
        let broken = #expect(throws: ResponseDecodingError.self) {
            _ = try DescribeVodDomainRealTimeDetailData.decodeResponse(JSONCursor(.object(["Data": .string("[{")])))
        }
        #expect(broken?.path == "Data")
    }

    @Test("refresh and preload task ids split on commas")
    func taskIds() throws {
        let refresh = try RefreshVodObjectCaches.decodeResponse(JSONCursor(.object(["RequestId": .string("r"), "RefreshTaskId": .string("1, 2,3")])))
        #expect(refresh.taskIds == ["1", "2", "3"])
        let preload = try PreloadVodObjectCaches.decodeResponse(JSONCursor(.object(["PreloadTaskId": .number(9524)])))
        #expect(preload.taskIds == ["9524"])
    }
}
