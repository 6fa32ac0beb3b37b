@testable import Agent
import HTTPClient
import Testing
import VODAPI

/// The pure judgement of whether data calls have stopped: no success for the threshold while a
/// call waits or fails for every collector.
@Suite struct DataCallWatchTests {
    static let hang = VODClientError.transport(action: "DescribeVodDomainTrafficData", TransportError(kind: .timedOut, detail: "no answer in 10 s"))
    static func answer(_ code: String, status: Int = 403) -> VODClientError {
        .api(action: "DescribeVodDomainRealTimeDetailData", APIError(status: status, code: code, message: "m", requestId: "r"))
    }

    @Test func aWaitingCallWithoutASuccessStopsDataAtTheThreshold() {
        var watch = DataCallWatch(threshold: 90, start: 1000)
        #expect(watch.stop(at: 5000) == nil, "nothing asked, nothing stopped")
        watch.began()
        #expect(watch.stop(at: 1089) == nil)
        #expect(watch.stop(at: 1090) == .init(lastSuccess: 1000, waiting: 1, latestFailure: nil), "counted from the last success")
        watch.ended(error: nil, at: 1100)
        #expect(watch.stop(at: 1100) == nil && watch.lastSuccess == 1100 && watch.hasSucceeded)
        #expect(watch.stop(at: 9000) == nil, "idle after a success is not a stop")
    }

    @Test func aFailureForEveryCallStopsDataEvenWithNothingWaiting() {
        var watch = DataCallWatch(threshold: 90, start: 1000)
        watch.began()
        watch.ended(error: nil, at: 1001)
        watch.began()
        watch.ended(error: Self.answer("InvalidAccessKeyId.NotFound", status: 404), at: 1061)
        #expect(watch.stop(at: 1090) == nil)
        let stop = try! #require(watch.stop(at: 1091))
        #expect(stop.waiting == 0 && stop.latestFailure?.contains("InvalidAccessKeyId.NotFound") == true)
        #expect(stop.description.hasPrefix("no data call has succeeded since 1970-01-01T00:16:41Z (latest failure: "))
        watch.began()
        watch.ended(error: nil, at: 1201)
        #expect(watch.stop(at: 1250) == nil, "a success ends it")
    }

    @Test func answersAboutOneOperationNeverStopData() {
        var watch = DataCallWatch(threshold: 90, start: 0)
        for (minute, code) in ["Forbidden.RAM", "Forbidden", "OperationDenied", "Throttling.User", "InvalidStartTime.Malformed"].enumerated() {
            let status = code.hasPrefix("Throttling") || code.hasPrefix("Invalid") ? 400 : 403
            watch.began()
            watch.ended(error: Self.answer(code, status: status), at: Double(minute * 60 + 1))
        }
        #expect(watch.stop(at: 10_000) == nil, "left to the runs' reports")
        #expect(DataCallWatch.stopsEveryCall(Self.answer("OperationDenied.Suspended")), "a suspended account stops everything")
        #expect(DataCallWatch.stopsEveryCall(Self.answer("ServiceUnavailable", status: 503)))
        #expect(DataCallWatch.stopsEveryCall(Self.answer("SignatureDoesNotMatch", status: 400)))
        #expect(DataCallWatch.stopsEveryCall(.credentials(CredentialsError(source: "environment", problem: "not set"))))
        #expect(DataCallWatch.stopsEveryCall(Self.hang))
    }

    /// One operation hangs while another collector's calls succeed every minute: data still
    /// arrives, so it never stops (the hung collector's runs report their own failures).
    @Test func aHungOperationBesideOneThatDeliversNeverStopsData() {
        var watch = DataCallWatch(threshold: 90, start: 0)
        watch.began()  // never answers
        for minute in 0..<30 {
            let at = Double(minute * 60 + 15)
            #expect(watch.stop(at: at) == nil, "minute \(minute)")
            watch.began()
            watch.ended(error: nil, at: at + 0.5)
            watch.began()
        }
    }

    /// The last call of a run times out and nothing is asked until the next realtime minute,
    /// which succeeds: no stop in between.
    @Test func aTrailingTimeoutIsNoStop() {
        var watch = DataCallWatch(threshold: 90, start: 0)
        watch.began()
        watch.ended(error: nil, at: 11)
        watch.began()
        watch.ended(error: Self.hang, at: 30)
        #expect(watch.stop(at: 70) == nil)
        watch.began()
        watch.ended(error: nil, at: 72)
        #expect(watch.stop(at: 1000) == nil)
    }

    @Test func theThresholdFollowsTheFastestDataCollector() throws {
        let selection = try DomainSelection(include: nil, exclude: nil, shard: .all)
        #expect(AgentConfiguration(domainSource: .discovery, selection: selection).dataStopThreshold == 90, "realtime every minute")
        #expect(AgentConfiguration(domainSource: .discovery, selection: selection, realtimeInterval: 120).dataStopThreshold == 150)
        #expect(AgentConfiguration(domainSource: .discovery, selection: selection, collectors: [.traffic, .quota]).dataStopThreshold == 330)
    }
}
