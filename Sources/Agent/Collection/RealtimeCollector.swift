import HTTPClient
import VODAPI

/// The newest 1-minute record of each selected domain, every `--collector.realtime.interval`,
/// 20 domains a call (DescribeVodDomainRealTimeDetailData; `Merge=false` keeps them apart,
/// `MergeLocIsp` sums regions and ISPs).
struct RealtimeCollector: Collector {
    let client: VODClient
    let configuration: AgentConfiguration
    let time: any TimeSource

    var kind: AgentConfiguration.Collector { .realtime }
    var cadence: Cadence { configuration.cadence(of: .realtime) }

    func plan(_ engine: AgentEngine) async -> Result<[WorkItem], RunProblem> {
        await engine.selectedDomains().map { domains in
            stride(from: 0, to: domains.count, by: DescribeVodDomainRealTimeDetailData.maxDomains).map { start in
                let chunk = Array(domains[start..<min(domains.count, start + DescribeVodDomainRealTimeDetailData.maxDomains)])
                return WorkItem(key: chunk[0], domains: chunk)
            }
        }
    }

    func perform(_ item: WorkItem, engine: AgentEngine) async -> VODClientError? {
        let end = Int64(time.now()) / 60 * 60
        do {
            let answer = try await client.call(DescribeVodDomainRealTimeDetailData(
                domainNames: item.domains, startTime: end - DescribeVodDomainRealTimeDetailData.maxSpanSeconds, endTime: end,
                merge: false, mergeLocIsp: true))
            let (readings, invalid) = Self.readings(answer.records, domains: item.domains)
            await engine.apply(readings, invalidValues: invalid)
            return nil
        } catch {
            return error
        }
    }

    /// Each domain's newest minute, summed over the records of that minute. Values that no
    /// domain can produce are left out and counted.
    static func readings(_ records: [DescribeVodDomainRealTimeDetailData.Record], domains: [String]) -> (readings: [String: RealtimeReading], invalid: Int) {
        var invalid = 0
        func plausible(_ value: Double, limit: Double) -> Bool {
            if DataBounds.isPlausible(value, limit: limit) { return true }
            invalid += 1
            return false
        }
        let wanted = Set(domains)
        var byDomain: [String: [DescribeVodDomainRealTimeDetailData.Record]] = [:]
        for record in records {
            let domain = record.domainName.lowercased()
            if wanted.contains(domain) { byDomain[domain, default: []].append(record) }
        }
        var readings: [String: RealtimeReading] = [:]
        for (domain, mine) in byDomain {
            guard let minute = mine.map(\.timestamp).max() else { continue }
            var reading = RealtimeReading(minute: minute, bytesPerSecond: nil, requestsPerSecond: nil, responsesByCode: [:])
            for entry in mine where entry.timestamp == minute {
                if let bps = entry.bps, plausible(bps / 8, limit: DataBounds.bytesPerSecond) {
                    reading.bytesPerSecond = (reading.bytesPerSecond ?? 0) + bps / 8
                }
                if let qps = entry.qps, plausible(qps, limit: DataBounds.requestsPerSecond) {
                    reading.requestsPerSecond = (reading.requestsPerSecond ?? 0) + qps
                }
                for (code, count) in entry.httpCodes where code.count <= 3 && code.allSatisfy(\.isNumber)
                    && plausible(count, limit: DataBounds.requestsPerSecond * 60) {
                    reading.responsesByCode[code, default: 0] += count
                }
            }
            readings[domain] = reading
        }
        return (readings, invalid)
    }
}
