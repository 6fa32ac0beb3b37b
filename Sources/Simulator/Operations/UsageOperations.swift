import Primitives
import VODAPI

/// The billing-style operations, answered from the traffic model by the definitions
/// docs/usage.md states, so the agent's own figures can be compared with them exactly:
/// - a 5-minute bandwidth point of a set of domains in an area is the sum of their
///   `DescribeVodDomainBpsData` values for that bucket and area (the mainland part rounded per
///   domain, overseas the rest);
/// - `DescribeVodDomainUsageData`: traffic is the sum of the buckets' bytes in the area, bandwidth
///   the highest point of the slot; a slot appears once all its buckets have settled;
/// - `DescribeVodDomainMax95BpsData`: of the points of the period that exist so far, sorted from
///   highest, the top 5 % (rounded down) are left out and the next is the figure.
struct UsageOperations: Sendable {
    let model: TrafficModel
    let domains: [String]

    /// The simulator's areas as the usage API names them.
    enum Part: CaseIterable {
        case domestic, overseas

        func bitsPerSecond(_ bucket: TrafficModel.Bucket) -> Double {
            let domestic = (bucket.peakBitsPerSecond * bucket.profile.domesticShare).rounded()
            return self == .domestic ? domestic : bucket.peakBitsPerSecond - domestic
        }

        func bytes(_ bucket: TrafficModel.Bucket) -> Double {
            self == .domestic ? bucket.domesticBytes : bucket.overseasBytes
        }
    }

    /// Every settled bucket of `names` starting at `start`, or nil if one is not settled yet.
    private func buckets(_ names: [String], start: Int64, now: Int64) -> [TrafficModel.Bucket]? {
        // Settled: final, 10 minutes after the bucket's end.
        guard now - (start + 300) >= 600 else { return nil }
        var found: [TrafficModel.Bucket] = []
        for name in names {
            guard let bucket = model.bucket(name, start: start, now: now) else { return nil }
            found.append(bucket)
        }
        return found
    }

    func usage(_ parameters: [String: String], now: Int64, requestId: String) throws(APIReply.Refusal) -> APIReply {
        guard let field = parameters["Field"], field == "traf" || field == "bps" else {
            throw APIReply.Refusal(400, "InvalidParameter.Field", "The Field parameter is required: traf or bps.")
        }
        let part: Part
        switch parameters["Area"] {
        case "CN"?: part = .domestic
        case "OverSeas"?: part = .overseas
        default: throw APIReply.Refusal(400, "InvalidParameter.Area", "The Area parameter must be CN or OverSeas.")
        }
        guard parameters["StartTime"] != nil, parameters["EndTime"] != nil else {
            throw APIReply.Refusal(400, "MissingStartTime", "StartTime and EndTime are mandatory for this action.")
        }
        let (start, end) = try ParameterRules.timeRange(parameters, now: now, defaultSpan: 86_400)
        let interval = parameters["Interval"].flatMap { Int64($0) } ?? 3600
        guard [300, 3600, 86_400].contains(interval), start % interval == 0, end % interval == 0 else {
            throw APIReply.Refusal(400, "InvalidParameter.Interval", "The Interval must be 300, 3600 or 86400 and the times on its grid.")
        }
        guard end - start <= (interval == 300 ? 3 : 31) * 86_400 else {
            throw APIReply.Refusal(400, "InvalidTime.Span", "The time span exceeds the maximum for this interval.")
        }
        let requested = try ParameterRules.domains(parameters, limit: DescribeVodDomainUsageData.maxDomains, required: false)
        try ParameterRules.requireOwned(requested, of: domains)
        let names = requested.isEmpty ? domains : requested
        var slots: [JSONValue] = []
        var slotStart = start
        while slotStart < end {
            defer { slotStart += interval }
            var bytes = 0.0, peak = 0.0, complete = true
            for bucketStart in stride(from: slotStart, to: slotStart + interval, by: 300) {
                guard let found = buckets(names, start: bucketStart, now: now) else {
                    complete = false
                    break
                }
                bytes += found.reduce(0) { $0 + part.bytes($1) }
                peak = max(peak, found.reduce(0) { $0 + part.bitsPerSecond($1) })
            }
            guard complete else { break }
            slots.append(["TimeStamp": .string(UTCTimestamp.format(slotStart)), "Value": .string(DataOperations.text(field == "traf" ? bytes : peak))])
        }
        return APIReply(body: [
            "RequestId": .string(requestId), "Area": .string(parameters["Area"] ?? ""), "Type": .string(field),
            "DataInterval": .string(String(interval)), "StartTime": .string(UTCTimestamp.format(start)), "EndTime": .string(UTCTimestamp.format(end)),
            "UsageDataPerInterval": ["DataModule": .array(slots)],
        ])
    }

    func max95(_ parameters: [String: String], now: Int64, requestId: String) throws(APIReply.Refusal) -> APIReply {
        guard parameters["StartTime"] != nil, parameters["EndTime"] != nil else {
            throw APIReply.Refusal(400, "MissingStartTime", "StartTime and EndTime are mandatory for this action.")
        }
        let (start, end) = try ParameterRules.timeRange(parameters, now: now, defaultSpan: 86_400)
        let requested = try ParameterRules.domains(parameters, limit: 1, required: false)
        try ParameterRules.requireOwned(requested, of: domains)
        let names = requested.isEmpty ? domains : requested
        var points: [(start: Int64, domestic: Double, overseas: Double)] = []
        for bucketStart in stride(from: start / 300 * 300, to: end, by: 300) {
            guard let found = buckets(names, start: bucketStart, now: now) else { break }
            points.append((bucketStart, found.reduce(0) { $0 + Part.domestic.bitsPerSecond($1) }, found.reduce(0) { $0 + Part.overseas.bitsPerSecond($1) }))
        }
        func percentile(_ value: ((start: Int64, domestic: Double, overseas: Double)) -> Double) -> (Double, Int64)? {
            guard !points.isEmpty else { return nil }
            let sorted = points.map { (value($0), $0.start) }.sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            return sorted[points.count * 5 / 100]
        }
        let total = percentile { $0.domestic + $0.overseas }
        let domestic = percentile(\.domestic), overseas = percentile(\.overseas)
        func detail(_ area: String, _ figure: (Double, Int64)?) -> JSONValue? {
            figure.map { ["Area": .string(area), "Max95Bps": .number($0.0), "Max95BpsPeakTime": .string(UTCTimestamp.format($0.1)), "TimeStamp": .string(UTCTimestamp.format(start))] }
        }
        return APIReply(body: [
            "RequestId": .string(requestId), "DomainName": .string(requested.first ?? ""),
            "StartTime": .string(UTCTimestamp.format(start)), "EndTime": .string(UTCTimestamp.format(end)),
            "Max95Bps": .string(total.map { DataOperations.text($0.0) } ?? ""),
            "DomesticMax95Bps": .string(domestic.map { DataOperations.text($0.0) } ?? ""),
            "OverseasMax95Bps": .string(overseas.map { DataOperations.text($0.0) } ?? ""),
            "DetailData": ["Max95Detail": .array([detail("CN", domestic), detail("OverSeas", overseas)].compactMap { $0 })],
        ])
    }
}
