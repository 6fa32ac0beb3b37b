import Primitives
import VODAPI

/// The interval data operations: one series summed over the requested domains (the real API
/// merges multi-domain requests), numbers as strings, `""` for splits it does not compute.
struct DataOperations: Sendable {
    let model: TrafficModel
    let domains: [String]

    /// The actions served here and the member holding their `DataModule`.
    static let containers = [
        "DescribeVodDomainTrafficData": "TrafficDataPerInterval", "DescribeVodDomainBpsData": "BpsDataPerInterval",
        "DescribeVodDomainSrcTrafficData": "SrcTrafficDataPerInterval", "DescribeVodDomainSrcBpsData": "SrcBpsDataPerInterval",
        "DescribeVodDomainHitRateData": "HitRateInterval", "DescribeVodDomainReqHitRateData": "Data", "DescribeVodDomainQpsData": "QpsDataInterval",
    ]

    func respond(_ action: String, _ parameters: [String: String], now: Int64, requestId: String) throws(APIReply.Refusal) -> APIReply {
        let range = try ParameterRules.dataRange(parameters, now: now)
        let requested = try ParameterRules.domains(parameters, limit: 500, required: false)
        try ParameterRules.requireOwned(requested, of: domains)
        let filtered = parameters["IspNameEn"] != nil || parameters["LocationNameEn"] != nil
        let names = (requested.isEmpty ? domains : requested).filter { domains.contains($0) }
        var slots: [JSONValue] = []
        var total = 0.0
        var slotStart = range.start / range.interval * range.interval
        while slotStart < range.end {
            defer { slotStart += range.interval }
            // A slot exists once all its 5-minute buckets do, for every domain summed.
            var buckets: [TrafficModel.Bucket] = []
            var complete = true
            for domain in names {
                for bucketStart in stride(from: slotStart, to: slotStart + range.interval, by: 300) {
                    guard let bucket = model.bucket(domain, start: bucketStart, now: now) else {
                        complete = false
                        break
                    }
                    buckets.append(bucket)
                }
            }
            guard complete, !names.isEmpty else { continue }
            let slot = Self.slot(action, buckets: buckets, domainCount: names.count, interval: range.interval, filtered: filtered)
            total += buckets.reduce(0) { $0 + $1.bytes }
            slots.append(.object(slot.mapValues(JSONValue.string).merging(["TimeStamp": .string(UTCTimestamp.format(slotStart))]) { _, time in time }))
        }
        var body: [String: JSONValue] = [
            "RequestId": .string(requestId), "DomainName": .string(names.joined(separator: ",")), "StartTime": .string(UTCTimestamp.format(range.start)),
            "EndTime": .string(UTCTimestamp.format(range.end)), "DataInterval": .string(String(range.interval)),
            Self.containers[action]!: ["DataModule": .array(slots)],
        ]
        if action == "DescribeVodDomainSrcTrafficData" { body["TotalTraffic"] = .string(Self.text(total * 0.08)) }
        return APIReply(body: body)
    }

    private static func slot(_ action: String, buckets: [TrafficModel.Bucket], domainCount: Int, interval: Int64, filtered: Bool) -> [String: String] {
        func sum(_ value: (TrafficModel.Bucket) -> Double) -> Double { buckets.reduce(0) { $0 + value($1) } }
        /// The peak over the slot's 5-minute buckets of the per-bucket sum over domains.
        func peak(_ value: (TrafficModel.Bucket) -> Double) -> Double {
            Dictionary(grouping: buckets, by: \.start).values.map { group in group.reduce(0) { $0 + value($1) } }.max() ?? 0
        }
        func split(_ all: Double, _ domestic: Double, https: Double, httpsDomestic: Double) -> [String: String] {
            [
                "Value": text(all), "DomesticValue": filtered ? "" : text(domestic), "OverseasValue": filtered ? "" : text(all - domestic),
                "HttpsValue": text(https), "HttpsDomesticValue": filtered ? "" : text(httpsDomestic),
                "HttpsOverseasValue": filtered ? "" : text(https - httpsDomestic),
            ]
        }
        switch action {
        case "DescribeVodDomainTrafficData":
            return split(sum(\.bytes), sum(\.domesticBytes), https: sum(\.httpsBytes), httpsDomestic: sum { ($0.httpsBytes * $0.profile.domesticShare).rounded() })
        case "DescribeVodDomainBpsData":
            return split(peak(\.peakBitsPerSecond), peak { ($0.peakBitsPerSecond * $0.profile.domesticShare).rounded() },
                         https: peak { ($0.peakBitsPerSecond * $0.profile.httpsShare).rounded() },
                         httpsDomestic: peak { ($0.peakBitsPerSecond * $0.profile.httpsShare * $0.profile.domesticShare).rounded() })
        case "DescribeVodDomainSrcTrafficData":
            return ["Value": text(sum(\.originBytes)), "HttpsValue": text(sum { ($0.originBytes * $0.profile.httpsShare).rounded() })]
        case "DescribeVodDomainSrcBpsData":
            return ["Value": text(peak { ($0.peakBitsPerSecond * $0.profile.originShare).rounded() }),
                    "HttpsValue": text(peak { ($0.peakBitsPerSecond * $0.profile.originShare * $0.profile.httpsShare).rounded() })]
        case "DescribeVodDomainHitRateData":
            let ratio = sum(\.bytes) == 0 ? 100 : (1 - sum(\.originBytes) / sum(\.bytes)) * 100
            return ["Value": text((ratio * 100).rounded() / 100), "HttpsValue": text((ratio * 100).rounded() / 100)]
        case "DescribeVodDomainReqHitRateData":
            let value = buckets.isEmpty ? 100 : buckets.reduce(0) { $0 + $1.requestHitPercent } / Double(buckets.count)
            return ["Value": text((value * 100).rounded() / 100), "HttpsValue": text((value * 100).rounded() / 100)]
        default:  // DescribeVodDomainQpsData: rates and counts
            let seconds = Double(interval)
            let requests = sum(\.requests), domestic = sum { ($0.requests * $0.profile.domesticShare).rounded() }
            let https = sum { ($0.requests * $0.profile.httpsShare).rounded() }
            var values = split(round2(requests / seconds), round2(domestic / seconds), https: round2(https / seconds), httpsDomestic: 0)
            values["HttpsDomesticValue"] = ""
            values["HttpsOverseasValue"] = ""
            values["AccValue"] = text(requests)
            values["AccDomesticValue"] = filtered ? "" : text(domestic)
            values["AccOverseasValue"] = filtered ? "" : text(requests - domestic)
            values["HttpsAccValue"] = text(https)
            values["HttpsAccDomesticValue"] = ""
            values["HttpsAccOverseasValue"] = ""
            return values
        }
    }

    private static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// Numbers as the API writes them: strings, integers without a fraction.
    static func text(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String((value * 10_000).rounded() / 10_000)  // no binary noise such as 0.6500000000000004
    }

    /// DescribeVodDomainRealTimeDetailData: 1-minute records per domain, `Data` a JSON string.
    func realtime(_ parameters: [String: String], now: Int64, requestId: String) throws(APIReply.Refusal) -> APIReply {
        let names = try ParameterRules.domains(parameters, limit: 20, required: true)
        try ParameterRules.requireOwned(names, of: domains)
        guard parameters["StartTime"] != nil, parameters["EndTime"] != nil else {
            throw APIReply.Refusal(400, "MissingTimeParameter", "The StartTime and EndTime must be both specified.")
        }
        let (start, end) = try ParameterRules.timeRange(parameters, now: now, defaultSpan: 600)
        guard end - start <= 600 else { throw APIReply.Refusal(400, "InvalidTimeSpan", "The time span cannot exceed 10 minutes.") }
        guard let fieldText = parameters["Field"], !fieldText.isEmpty else {
            throw APIReply.Refusal(400, "MissingParameter", "The input parameter Field that is mandatory for processing this request is not supplied.")
        }
        let fields = Set(fieldText.split(separator: ",").map(String.init))
        let merge = parameters["Merge"] == "true"
        var records: [JSONValue] = []
        var minute = (start + 59) / 60 * 60
        while minute < end && minute + 60 <= now - 300 {
            var perDomain: [(String, Double, Double, [String: Double])] = []
            for domain in names where domains.contains(domain) {
                let bytes = model.finalBytes(domain, start: minute / 300 * 300, minute: minute) / 5 * (0.95 + 0.1 * model.unit(model.hash("\(domain)@\(minute)")))
                let requests = (bytes / model.profile(domain).bytesPerRequest).rounded()
                let codes = ["200": (requests * 0.93).rounded(), "206": (requests * 0.04).rounded(), "304": (requests * 0.02).rounded(),
                             "404": (requests * 0.008).rounded(), "502": (requests * 0.002).rounded()]
                perDomain.append((domain, bytes * 8 / 60, requests / 60, codes))
            }
            let groups = merge ? [("", perDomain)] : perDomain.map { ($0.0, [$0]) }
            for (name, entries) in groups where !entries.isEmpty {
                var record: [String: JSONValue] = ["time_stp": .string(UTCTimestamp.format(minute)), "domain_name": .string(name), "location": "", "isp": ""]
                if fields.contains("bps") { record["bps"] = .number(entries.reduce(0) { $0 + $1.1 }.rounded()) }
                if fields.contains("qps") { record["qps"] = .number((entries.reduce(0) { $0 + $1.2 } * 100).rounded() / 100) }
                if fields.contains("http_code") {
                    let codes = entries.reduce(into: [String: Double]()) { total, entry in total.merge(entry.3, uniquingKeysWith: +) }
                    record["http_code"] = .object(codes.mapValues(JSONValue.number))
                }
                records.append(.object(record))
            }
            minute += 60
        }
        return APIReply(body: ["RequestId": .string(requestId), "Data": .string(JSONValue.array(records).serialized())])
    }
}
