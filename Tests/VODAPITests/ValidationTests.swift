import Primitives
import Testing
@testable import VODAPI

@Suite("Parameter rules are checked before sending")
struct ValidationTests {
    static let start = UTCTimestamp.parse("2024-05-01T10:00:00Z")!

    func problem(_ operation: some VODOperation) -> String? {
        do {
            _ = try operation.parameters()
            return nil
        } catch {
            return error.problem
        }
    }

    @Test("StartTime and EndTime go together, end after start")
    func timePairs() {
        #expect(problem(DescribeVodDomainTrafficData(query: .init(startTime: Self.start)))?.contains("together") == true)
        #expect(problem(DescribeVodDomainTrafficData(query: .init(endTime: Self.start)))?.contains("together") == true)
        #expect(problem(DescribeVodDomainBpsData(query: .init(startTime: Self.start, endTime: Self.start)))?.contains("after") == true)
        #expect(problem(DescribeVodDomainTrafficData(query: .init(startTime: Self.start, endTime: Self.start + 300))) == nil)
    }

    @Test("data calls take at most 500 domains, each a domain name")
    func domainLimits() throws {
        let many = (0..<501).map { "d\($0).example.com" }
        #expect(problem(DescribeVodDomainTrafficData(query: .init(domainNames: many)))?.contains("500") == true)
        #expect(problem(DescribeVodDomainTrafficData(query: .init(domainNames: Array(many.prefix(500))))) == nil)
        #expect(problem(DescribeVodDomainTrafficData(query: .init(domainNames: ["a.com,b.com"]))) != nil)
        #expect(problem(DescribeVodDomainTrafficData(query: .init(domainNames: [""]))) != nil)
        let parameters = try DescribeVodDomainTrafficData(query: .init(domainNames: ["a.example.com", "*.b.example.com"], interval: .fiveMinutes)).parameters()
        #expect(parameters == ["DomainName": "a.example.com,*.b.example.com", "Interval": "300"])
    }

    @Test("ISP and region filters only where the operation takes them")
    func regionFilters() {
        #expect(problem(DescribeVodDomainBpsData(query: .init(ispNameEn: "telecom"))) == nil)
        #expect(problem(DescribeVodDomainSrcBpsData(query: .init(ispNameEn: "telecom"))) != nil)
    }

    @Test("refresh and preload: 1 to 1,000 URLs without line breaks")
    func objectPaths() throws {
        #expect(problem(RefreshVodObjectCaches(objectPaths: [])) != nil)
        let thousand = (0..<1000).map { "https://v.example.com/\($0).mp4" }
        #expect(problem(RefreshVodObjectCaches(objectPaths: thousand)) == nil)
        #expect(problem(RefreshVodObjectCaches(objectPaths: thousand + ["https://v.example.com/x"]))?.contains("1000") == true)
        #expect(problem(PreloadVodObjectCaches(objectPaths: ["https://v.example.com/a\nb"])) != nil)
        #expect(problem(PreloadVodObjectCaches(objectPaths: ["https://v.example.com/a"], withHeader: "not json")) != nil)
        let parameters = try RefreshVodObjectCaches(objectPaths: ["https://a/1", "https://a/2"], objectType: .directory, force: true).parameters()
        #expect(parameters == ["ObjectPath": "https://a/1\nhttps://a/2", "ObjectType": "Directory", "Force": "true"])
        #expect(RefreshVodObjectCaches(objectPaths: ["x"]).consumesQuota)
        #expect(RefreshVodObjectCaches(objectPaths: ["x"]).method == .post)
    }

    @Test("refresh tasks: ObjectType required with DomainName or Status; page size at most 50")
    func refreshTasks() {
        #expect(problem(DescribeVodRefreshTasks(domainName: "a.example.com"))?.contains("ObjectType") == true)
        #expect(problem(DescribeVodRefreshTasks(status: .failed))?.contains("ObjectType") == true)
        #expect(problem(DescribeVodRefreshTasks(objectType: .file, domainName: "a.example.com", status: .failed)) == nil)
        #expect(problem(DescribeVodRefreshTasks(pageSize: 51)) != nil)
        #expect(problem(DescribeVodRefreshTasks(pageSize: 0)) != nil)
        #expect(problem(DescribeVodRefreshTasks(taskId: "12a")) != nil)
        #expect(problem(DescribeVodRefreshTasks(startTime: Self.start, endTime: Self.start + 4 * 86_400)) != nil)
    }

    @Test("page limits of domains and logs")
    func pageLimits() {
        #expect(problem(DescribeVodUserDomains(pageSize: 50)) == nil)
        #expect(problem(DescribeVodUserDomains(pageSize: 51)) != nil)
        #expect(problem(DescribeVodUserDomains(pageNumber: 0)) != nil)
        #expect(problem(DescribeVodDomainLog(domainName: "a.example.com", pageSize: 1000)) == nil)
        #expect(problem(DescribeVodDomainLog(domainName: "a.example.com", pageSize: 1001)) != nil)
        #expect(problem(DescribeVodDomainLog(domainName: "")) != nil)
    }

    @Test("realtime detail: 1 to 20 domains, at most 10 minutes")
    func realtimeDetail() {
        let domains = (0..<21).map { "d\($0).example.com" }
        #expect(problem(DescribeVodDomainRealTimeDetailData(domainNames: domains, startTime: Self.start, endTime: Self.start + 60)) != nil)
        #expect(problem(DescribeVodDomainRealTimeDetailData(domainNames: [], startTime: Self.start, endTime: Self.start + 60)) != nil)
        #expect(problem(DescribeVodDomainRealTimeDetailData(domainNames: ["a.example.com"], startTime: Self.start, endTime: Self.start + 601)) != nil)
        #expect(problem(DescribeVodDomainRealTimeDetailData(domainNames: ["a.example.com"], startTime: Self.start, endTime: Self.start + 600)) == nil)
    }
}
