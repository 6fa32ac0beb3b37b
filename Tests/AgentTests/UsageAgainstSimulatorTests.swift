@testable import Agent
import Foundation
import HTTPClient
import Simulator
import Testing
import VODAPI
import WebServer

/// The month's figures made from the agent's own 5-minute bandwidth buckets equal the API's
/// billing operations by their definitions, over a whole simulated month.
@Suite(.serialized) struct UsageAgainstSimulatorTests {
    /// 2026-12-01 01:00 China time: November (China time) has settled.
    static let now = BillingMonth(year: 2026, month: 12).start + 3600
    static let november = BillingMonth(year: 2026, month: 11)
    static let domains = ["video.example.com", "live.example.com"]

    static func client(_ server: SimulatorServer, _ configuration: SimulatorConfiguration) throws -> VODClient {
        VODClient(
            configuration: VODClientConfiguration(endpoint: try Endpoint(parsing: server.endpoint), requestTimeout: 10, retryPolicy: RetryPolicy(maxAttempts: 1)),
            credentials: StaticCredentialsProvider(Credentials(accessKeyId: configuration.accessKeyId, accessKeySecret: configuration.accessKeySecret), sourceDescription: "test"),
            transport: StandardTransport.make(), gate: RequestGate(maxQPS: 1000, burst: 1000, maxConcurrent: 16))
    }

    @Test func theMonthsPercentileAndUsageFromOurBucketsEqualTheAPIs() async throws {
        // The simulator's clock stands at the start of December 2026 whenever the test runs: its
        // signature check accepts the client's real clock.
        let configuration = SimulatorConfiguration(domains: Self.domains, spikingDomains: ["live.example.com"], timestampTolerance: 100 * 365 * 86_400)
        let server = SimulatorServer(configuration: configuration, listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), clock: { @Sendable in Self.now })
        try server.start()
        defer { server.stop() }
        let client = try Self.client(server, configuration)
        let month = Self.november

        // Our side: each domain's 5-minute bandwidth buckets, a day a call, as the agent reads them.
        var perDomain: [String: PercentilePoints] = [:]
        var accountByStart: [Int64: (domestic: Double, overseas: Double)] = [:]
        var domesticBytes = 0.0
        for domain in Self.domains {
            var points = PercentilePoints(periodPointCount: month.pointCount)
            for day in stride(from: month.start, to: month.end, by: 86_400) {
                let query = DomainDataQuery(domainNames: [domain], startTime: day, endTime: day + 86_400, interval: .fiveMinutes)
                let slots = try await client.call(DescribeVodDomainBpsData(query: query)).slots
                #expect(slots.count == 288)
                for slot in slots {
                    let domestic = try #require(slot.domesticValue), overseas = try #require(slot.overseasValue)
                    points.record(.init(start: slot.timestamp, bitsPerSecond: domestic + overseas))
                    accountByStart[slot.timestamp, default: (0, 0)].domestic += domestic
                    accountByStart[slot.timestamp, default: (0, 0)].overseas += overseas
                }
                domesticBytes += try await client.call(DescribeVodDomainTrafficData(query: query)).slots.reduce(0) { $0 + ($1.domesticValue ?? 0) }
            }
            #expect(points.recordedCount == month.pointCount && points.highest.count == month.burstPointCount + 1)
            perDomain[domain] = points
        }
        var account = PercentilePoints(periodPointCount: month.pointCount)
        var domestic = PercentilePoints(periodPointCount: month.pointCount)
        var overseas = PercentilePoints(periodPointCount: month.pointCount)
        for (start, parts) in accountByStart {
            account.record(.init(start: start, bitsPerSecond: parts.domestic + parts.overseas))
            domestic.record(.init(start: start, bitsPerSecond: parts.domestic))
            overseas.record(.init(start: start, bitsPerSecond: parts.overseas))
        }

        // The API's side.
        for domain in Self.domains {
            let api = try await client.call(DescribeVodDomainMax95BpsData(domain: domain, cycle: .month, start: month.start, end: month.end))
            #expect(api.bitsPerSecond == perDomain[domain]?.percentile95SoFar?.bitsPerSecond, "\(domain)")
        }
        let merged = try await client.call(DescribeVodDomainMax95BpsData(domain: nil, cycle: .month, start: month.start, end: month.end))
        #expect(merged.bitsPerSecond == account.percentile95SoFar?.bitsPerSecond)
        #expect(merged.domesticBitsPerSecond == domestic.percentile95SoFar?.bitsPerSecond)
        #expect(merged.overseasBitsPerSecond == overseas.percentile95SoFar?.bitsPerSecond)
        #expect(merged.details.first { $0.area == "CN" }?.peakTime == domestic.percentile95SoFar?.start)

        // The spiking domain bursts (x6 for 30 minutes every 3 hours: 2 of 12 points in every 36):
        // far more than 5 % of the month, so its burst budget at its median is spent.
        let live = try #require(perDomain["live.example.com"])
        let budget = live.burstBudget(committed: try #require(live.percentile95SoFar).bitsPerSecond * 0.5)
        #expect(budget.exceeded && budget.remaining == 0)
        let quiet = try #require(perDomain["video.example.com"])
        let unspent = quiet.burstBudget(committed: try #require(quiet.peak).bitsPerSecond)
        #expect(unspent.used == 0 && unspent.remaining == month.burstPointCount, "nothing above its own peak")

        // Billing traffic of the month in the mainland: the sum of the buckets' mainland bytes (hourly
        // slots: the month begins at 16:00 UTC, off the API's daily grid).
        let usage = try await client.call(DescribeVodDomainUsageData(field: .traffic, area: .domestic, domains: Self.domains,
                                                                     start: month.start, end: month.end, interval: 3600))
        #expect(usage.slots.count == month.dayCount * 24)
        #expect(abs(usage.slots.reduce(0) { $0 + $1.value } - domesticBytes) < 1, "the month's mainland usage = our buckets' mainland bytes")
        let peak = try await client.call(DescribeVodDomainUsageData(field: .bandwidth, area: .domestic, domains: Self.domains,
                                                                    start: month.start, end: month.start + 3 * 86_400, interval: 300))
        #expect(peak.slots.map(\.value).max() == domestic.highest.first { $0.start < month.start + 3 * 86_400 }?.bitsPerSecond,
                "the 5-minute usage bandwidth is the summed bucket bandwidth")
    }
}
