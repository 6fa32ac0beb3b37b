import VODAPI

/// Polls one domain's traffic and bandwidth. Runs outside the engine's actor (one child task
/// per domain) and returns the updated record; it never shares state.
struct DomainPoller: Sendable {
    let client: VODClient
    let configuration: AgentConfiguration

    struct Result: Sendable {
        var record: DomainRecord
        var trafficError: VODClientError?
        var bandwidthError: VODClientError?
        var outcome = IngestOutcome()
        var calls = 0
        var successes = 0
    }

    func poll(_ domain: String, record: DomainRecord, now: @Sendable () -> Int64, polls: Set<AgentConfiguration.Collector>) async -> Result {
        var result = Result(record: record)
        let rules = configuration.rules
        if polls.contains(.traffic) {
            let windows = PollWindowPlanner.windows(now: now(), interval: 300, lookback: configuration.lookback,
                                                    cursor: record.trafficCursor, maxBackfill: configuration.maxBackfill)
            for window in windows {
                result.calls += 1
                do {
                    let series = try await client.call(DescribeVodDomainTrafficData(query: query(domain, window)))
                    let outcome = result.record.ingestTraffic(series, window: window, now: now(), rules: rules)
                    result.successes += 1
                    result.outcome.newBuckets += outcome.newBuckets
                    result.outcome.upwardRevisions += outcome.upwardRevisions
                    result.outcome.downwardRevisions += outcome.downwardRevisions
                    result.outcome.missedBuckets += outcome.missedBuckets
                    result.outcome.invalidValues += outcome.invalidValues
                } catch {
                    // Later windows must wait: counting them would move the cursor past this one.
                    result.trafficError = error
                    break
                }
            }
        }
        if polls.contains(.bandwidth) {
            let end = PollWindowPlanner.floorDivide(now(), 300) * 300
            result.calls += 1
            do {
                let series = try await client.call(DescribeVodDomainBpsData(query: query(domain, (end - configuration.lookback)..<end)))
                result.record.ingestBandwidth(series, now: now(), rules: rules)
                result.successes += 1
            } catch {
                result.bandwidthError = error
            }
        }
        return result
    }

    private func query(_ domain: String, _ window: Range<Int64>) -> DomainDataQuery {
        DomainDataQuery(domainNames: [domain], startTime: window.lowerBound, endTime: window.upperBound, interval: .fiveMinutes)
    }
}
