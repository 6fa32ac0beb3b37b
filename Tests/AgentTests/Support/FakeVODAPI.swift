import Foundation
import HTTPClient
import Primitives
import Synchronization
import VODAPI

/// An in-process stand-in for the VOD data API, behind the client's transport seam: traffic and
/// bandwidth per domain and bucket from a formula, the newest `delay` seconds absent, domain
/// discovery, quota and tasks; faults switched on per action.
final class FakeVODAPI: HTTPTransport {
    struct Settings {
        var now: Int64 = 1_764_000_000
        var domains = ["a.example.com", "b.example.com", "c.example.com"]
        var delay: Int64 = 600
        /// Actions that answer with this error (status, code) until cleared.
        var failing: [String: (Int, String)] = [:]
        /// Every action answers with this error (status, code) until cleared.
        var failingAll: (Int, String)?
        /// Added to every traffic value of a bucket start (to model revisions).
        var trafficBoost: [Int64: Double] = [:]
        var splitAreas = true
        /// Actions that wait, unanswered, until removed from this set (or the call is cancelled).
        var held: Set<String> = []
        /// Domains whose calls wait, unanswered, until removed (or the call is cancelled).
        var heldDomains: Set<String> = []
        /// Seconds each answer takes (on `time`, when the fake has one), by action; "" for all.
        var latency: [String: Double] = [:]
        /// Replaces the answer of an action (status, body) until cleared.
        var bodies: [String: (Int, String)] = [:]
        /// Every n-th call is answered `Throttling.User` (nil: none).
        var throttleEvery: Int?
    }

    let settings = Mutex(Settings())
    private struct Log {
        var calls: [(action: String, parameters: [String: String], at: Double)] = []
        /// Tests waiting for a call of an action: resumed when one arrives.
        var waiters: [(action: String, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let log = Mutex(Log())
    /// With a time source, "now" is its wall clock and latency is spent on it (virtual-time
    /// tests); without, "now" is `settings.now`, moved by `advance`.
    private let time: (any TimeSource)?

    init(time: (any TimeSource)? = nil) {
        self.time = time
    }

    var now: Int64 { time.map { Int64($0.now()) } ?? settings.withLock { $0.now } }
    func advance(_ seconds: Int64) { settings.withLock { $0.now += seconds } }
    /// Every call: its action, parameters and when it arrived.
    var calls: [(action: String, parameters: [String: String], at: Double)] { log.withLock { $0.calls } }

    /// Returns once a call of `action` has arrived after the first `count` calls (at once if one
    /// already has): an event to wait for instead of a poll.
    func waitForCall(_ action: String, after count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let arrived = log.withLock { log -> Bool in
                if log.calls.dropFirst(count).contains(where: { $0.action == action }) { return true }
                log.waiters.append((action, continuation))
                return false
            }
            if arrived { continuation.resume() }
        }
    }

    /// The traffic bytes of `domain` in the bucket starting at `start`, before any boost.
    static func traffic(_ domain: String, _ start: Int64) -> Double {
        Double((domain.utf8.reduce(0) { $0 + Int($1) } % 97 + 1) * 1_000 + Int(start / 300 % 50))
    }

    func send(_ request: HTTPRequest, timeout: Double) async throws(TransportError) -> TransportResponse {
        var parameters: [String: String] = [:]
        if let question = request.url.firstIndex(of: "?") {
            for pair in PercentEncoding.parsePairs(String(request.url[request.url.index(after: question)...]), plusAsSpace: false) ?? [] {
                parameters[pair.key] = pair.value
            }
        }
        for pair in PercentEncoding.parsePairs(String(decoding: request.body, as: UTF8.self), plusAsSpace: true) ?? [] {
            parameters[pair.key] = pair.value
        }
        let action = request.headers["x-acs-action"] ?? parameters["Action"] ?? ""
        let arrived = time?.now() ?? Double(now)
        let waiting = log.withLock { log -> [CheckedContinuation<Void, Never>] in
            log.calls.append((action, parameters, arrived))
            let due = log.waiters.filter { $0.action == action }.map(\.continuation)
            log.waiters.removeAll { $0.action == action }
            return due
        }
        for waiter in waiting { waiter.resume() }
        while self.settings.withLock({ $0.held.contains(action) || $0.heldDomains.contains(parameters["DomainName"] ?? "") }) {
            do {
                if let time { try await time.sleep(seconds: 1) } else { try await Task.sleep(nanoseconds: 5_000_000) }
            } catch {
                throw TransportError(kind: .cancelled, detail: "cancelled")
            }
        }
        let latency = settings.withLock { $0.latency[action] ?? $0.latency[""] ?? 0 }
        if latency > 0, let time {
            do { try await time.sleep(seconds: latency) } catch { throw TransportError(kind: .cancelled, detail: "cancelled") }
        }
        var settings = settings.withLock { $0 }
        settings.now = now
        if let every = settings.throttleEvery, log.withLock({ $0.calls.count }) % every == 0 {
            return Self.json(#"{"RequestId":"req-throttled","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#, status: 400)
        }
        if let (status, body) = settings.bodies[action] { return Self.json(body, status: status) }
        if let (status, code) = settings.failing[action] ?? settings.failingAll {
            return Self.json(#"{"RequestId":"req-fail","HostId":"vod","Code":"\#(code)","Message":"injected failure"}"#, status: status)
        }
        switch action {
        case "DescribeVodDomainTrafficData", "DescribeVodDomainBpsData", "DescribeVodDomainSrcTrafficData", "DescribeVodDomainSrcBpsData",
             "DescribeVodDomainHitRateData", "DescribeVodDomainReqHitRateData", "DescribeVodDomainQpsData":
            return series(action, parameters, settings)
        case "DescribeVodDomainRealTimeDetailData":
            let domains = (parameters["DomainName"] ?? "").split(separator: ",")
            let minute = (settings.now - 300) / 60 * 60
            let records = domains.map { #"{"time_stp":"\#(UTCTimestamp.format(minute))","domain_name":"\#($0)","location":"","isp":"","qps":12.5,"bps":8000000,"http_code":{"200":700,"404":5,"502":1}}"# }
            let data = "[" + records.joined(separator: ",") + "]"
            let escaped = data.replacingOccurrences(of: "\"", with: "\\\"")
            return Self.json(#"{"RequestId":"r","Data":"\#(escaped)"}"#)
        case "DescribeVodDomainUsageData":
            return usage(parameters, settings)
        case "DescribeVodDomainMax95BpsData":
            // A fixed figure per domain (and for the account): tests compare against it.
            let figure = parameters["DomainName"].map(Self.max95) ?? settings.domains.map(Self.max95).reduce(0, +)
            return Self.json(#"{"RequestId":"r","Max95Bps":"\#(figure)","DomesticMax95Bps":"\#(figure * 0.75)","OverseasMax95Bps":"\#(figure * 0.25)","DetailData":{"Max95Detail":[]}}"#)
        case "DescribeVodUserDomains":
            let page = Int(parameters["PageNumber"] ?? "1") ?? 1
            let size = Int(parameters["PageSize"] ?? "20") ?? 20
            let slice = settings.domains.dropFirst((page - 1) * size).prefix(size)
            let entries = slice.map { #"{"DomainName":"\#($0)","Cname":"\#($0).w.alikunlun.com","DomainStatus":"online","SslProtocol":"on","Description":""}"# }
            return Self.json(#"{"RequestId":"r","PageNumber":\#(page),"PageSize":\#(size),"TotalCount":\#(settings.domains.count),"Domains":{"PageData":[\#(entries.joined(separator: ","))]}}"#)
        case "DescribeVodRefreshQuota":
            return Self.json(#"{"RequestId":"r","UrlQuota":"10000","UrlRemain":"9990","DirQuota":"100","DirRemain":"99","PreloadQuota":"500","PreloadRemain":"480","BlockQuota":"100","BlockRemain":"100"}"#)
        case "DescribeVodRefreshTasks":
            let total: Int
            switch (parameters["ObjectType"], parameters["Status"]) {
            case ("file", nil): total = 12
            case ("file", "Complete"): total = 9
            case ("file", "Refreshing"): total = 1
            case ("file", "Failed"): total = 1
            default: total = 0
            }
            return Self.json(#"{"RequestId":"r","PageNumber":1,"PageSize":1,"TotalCount":\#(total),"Tasks":{"Task":[]}}"#)
        default:
            return Self.json(#"{"RequestId":"r","Code":"InvalidAction.NotFound","Message":"no such action"}"#, status: 404)
        }
    }

    /// The API's 95th percentile of `domain` in the fake: bit/s.
    static func max95(_ domain: String) -> Double {
        Double(domain.utf8.count) * 1_000
    }

    /// Billing traffic by the hour: the hour's buckets of the listed domains (or all) in one area,
    /// the mainland share as the series split it.
    private func usage(_ parameters: [String: String], _ settings: Settings) -> TransportResponse {
        guard let start = parameters["StartTime"].flatMap(UTCTimestamp.parse), let end = parameters["EndTime"].flatMap(UTCTimestamp.parse) else {
            return Self.json(#"{"RequestId":"r","Code":"MissingTimeParameter","Message":"missing"}"#, status: 400)
        }
        let domains = parameters["DomainName"].map { $0.split(separator: ",").map(String.init) } ?? settings.domains
        let domestic = parameters["Area"] == "CN"
        var slots: [String] = []
        var hour = start
        while hour < end {
            var sum = 0.0
            for domain in domains {
                for bucket in stride(from: hour, to: hour + 3600, by: 300) where bucket + 300 <= settings.now - settings.delay {
                    let bytes = Self.traffic(domain, bucket) + (settings.trafficBoost[bucket] ?? 0)
                    sum += domestic ? (bytes * 0.75).rounded() : bytes - (bytes * 0.75).rounded()
                }
            }
            slots.append(#"{"TimeStamp":"\#(UTCTimestamp.format(hour))","Value":"\#(sum)"}"#)
            hour += 3600
        }
        return Self.json(#"{"RequestId":"r","UsageDataPerInterval":{"DataModule":[\#(slots.joined(separator: ","))]}}"#)
    }

    private func series(_ action: String, _ parameters: [String: String], _ settings: Settings) -> TransportResponse {
        guard let start = parameters["StartTime"].flatMap(UTCTimestamp.parse), let end = parameters["EndTime"].flatMap(UTCTimestamp.parse),
              let domain = parameters["DomainName"] else {
            return Self.json(#"{"RequestId":"r","Code":"MissingTimeParameter","Message":"missing"}"#, status: 400)
        }
        var slots: [String] = []
        var bucket = start
        while bucket < end && bucket + 300 <= settings.now - settings.delay {
            let bytes = Self.traffic(domain, bucket) + (settings.trafficBoost[bucket] ?? 0)
            let value: Double
            switch action {
            case "DescribeVodDomainTrafficData": value = bytes
            case "DescribeVodDomainSrcTrafficData": value = bytes / 10
            case "DescribeVodDomainSrcBpsData": value = bytes * 8 / 300 / 10
            case "DescribeVodDomainHitRateData", "DescribeVodDomainReqHitRateData": value = 90
            case "DescribeVodDomainQpsData": value = bytes / 1000
            default: value = bytes * 8 / 300
            }
            let domestic = (value * 0.75).rounded(), overseas = value - (value * 0.75).rounded()
            let split = settings.splitAreas ? #""DomesticValue":"\#(domestic)","OverseasValue":"\#(overseas)""# : #""DomesticValue":"","OverseasValue":"""#
            let counts = action == "DescribeVodDomainQpsData" ? #","AccValue":"\#(value * 300)","AccDomesticValue":"","AccOverseasValue":"","HttpsAccValue":"\#(value * 150)""# : ""
            slots.append(#"{"TimeStamp":"\#(UTCTimestamp.format(bucket))","Value":"\#(value)",\#(split),"HttpsValue":"\#(value / 2)","HttpsDomesticValue":"","HttpsOverseasValue":""\#(counts)}"#)
            bucket += 300
        }
        let container = [
            "DescribeVodDomainTrafficData": "TrafficDataPerInterval", "DescribeVodDomainBpsData": "BpsDataPerInterval",
            "DescribeVodDomainSrcTrafficData": "SrcTrafficDataPerInterval", "DescribeVodDomainSrcBpsData": "SrcBpsDataPerInterval",
            "DescribeVodDomainHitRateData": "HitRateInterval", "DescribeVodDomainReqHitRateData": "Data", "DescribeVodDomainQpsData": "QpsDataInterval",
        ][action]!
        return Self.json(#"{"RequestId":"r","DomainName":"\#(domain)","DataInterval":"300","\#(container)":{"DataModule":[\#(slots.joined(separator: ","))]}}"#)
    }

    static func json(_ text: String, status: Int = 200) -> TransportResponse {
        TransportResponse(status: status, headers: HTTPHeaders([(name: "Content-Type", value: "application/json")]), body: Array(text.utf8))
    }
}

/// Series shaped like the fake API's answers, for tests that feed records directly.
enum FakeVODAPISeries {
    static func series(domain: String, from start: Int64, count: Int) -> DomainDataSeries {
        DomainDataSeries(requestId: "r", dataInterval: 300, slots: (0..<Int64(count)).map { index in
            let value = FakeVODAPI.traffic(domain, start + index * 300)
            return DataSlot(timestamp: start + index * 300, value: value, domesticValue: (value * 0.75).rounded(),
                            overseasValue: value - (value * 0.75).rounded(), httpsValue: value / 2)
        })
    }
}
