import VODAPI

/// Polls one domain for every per-domain collector that is on. Runs outside the engine's actor
/// (one child task per domain) and returns the updated record; it never shares state.
struct DomainPoller: Sendable {
    typealias Collector = AgentConfiguration.Collector

    let client: VODClient
    let configuration: AgentConfiguration

    struct Result: Sendable {
        var record: DomainRecord
        var errors: [Collector: VODClientError] = [:]
        var outcome = IngestOutcome()
        var successes = 0
    }

    /// - Parameter record: consumed, so that when the caller hands over its only copy the
    ///   ledgers change in place instead of being copied each cycle.
    func poll(_ domain: String, record: consuming DomainRecord, now: @Sendable () -> Int64, collectors: Set<Collector>) async -> Result {
        var result = Result(record: record)
        let rules = configuration.rules
        for collector in collectors.intersection(Collector.perDomain).sorted() {
            do {
                switch collector {
                case .traffic:
                    try await counters(domain, &result, now: now, kinds: [.traffic, .httpsTraffic]) { window throws(VODClientError) in
                        let series = try await client.call(DescribeVodDomainTrafficData(query: query(domain, window)))
                        return (series.dataInterval, [(.traffic, Area.splitAll(series.slots)), (.httpsTraffic, Area.splitHTTPS(series.slots))])
                    }
                case .bandwidth:
                    let series = try await client.call(DescribeVodDomainBpsData(query: query(domain, lookbackWindow(now()))))
                    result.successes += 1
                    gauges(series, &result.record, now: now(), rules: rules, all: .bandwidth, https: .httpsBandwidth, transform: { $0 / 8 })
                case .origin:
                    try await counters(domain, &result, now: now, kinds: [.originTraffic, .httpsOriginTraffic]) { window throws(VODClientError) in
                        let series = try await client.call(DescribeVodDomainSrcTrafficData(query: query(domain, window)))
                        return (series.dataInterval, [(.originTraffic, Area.splitAll(series.slots)), (.httpsOriginTraffic, Area.splitHTTPS(series.slots))])
                    }
                    let series = try await client.call(DescribeVodDomainSrcBpsData(query: query(domain, lookbackWindow(now()))))
                    result.successes += 1
                    gauges(series, &result.record, now: now(), rules: rules, all: .originBandwidth, https: .httpsOriginBandwidth, transform: { $0 / 8 })
                case .hitratio:
                    let bytes = try await client.call(DescribeVodDomainHitRateData(query: query(domain, lookbackWindow(now()))))
                    gauges(bytes, &result.record, now: now(), rules: rules, all: .byteHitRatio, https: .httpsByteHitRatio, split: false, transform: Self.ratio)
                    let requests = try await client.call(DescribeVodDomainReqHitRateData(query: query(domain, lookbackWindow(now()))))
                    gauges(requests, &result.record, now: now(), rules: rules, all: .requestHitRatio, https: .httpsRequestHitRatio, split: false, transform: Self.ratio)
                    result.successes += 2
                case .requests:
                    var rates: (Int?, [DescribeVodDomainQpsData.Slot]) = (nil, [])
                    try await counters(domain, &result, now: now, kinds: [.requests, .httpsRequests]) { window throws(VODClientError) in
                        let answer = try await client.call(DescribeVodDomainQpsData(query: query(domain, window)))
                        rates = (answer.dataInterval, answer.slots)
                        let counts = answer.slots.map(\.requests)
                        return (answer.dataInterval, [(.requests, Area.splitAll(counts)), (.httpsRequests, Area.splitHTTPS(counts))])
                    }
                    let interval = Int64(rates.0 ?? 300), qps = rates.1.map(\.qps)
                    result.record.update(.requestRate, slots: Area.splitAll(qps), interval: interval, now: now(), rules: rules)
                    result.record.update(.httpsRequestRate, slots: Area.splitHTTPS(qps), interval: interval, now: now(), rules: rules)
                case .quota, .tasks, .realtime:
                    break
                }
            } catch {
                result.errors[collector] = error
            }
        }
        return result
    }

    /// Runs `fetch` for each planned window of the counters of `kinds` and ingests the answers.
    /// Stops at the first failure: counting later windows would move the cursors past it.
    private func counters(
        _ domain: String, _ result: inout Result, now: @Sendable () -> Int64, kinds: [CounterKind],
        fetch: (Range<Int64>) async throws(VODClientError) -> (Int?, [(CounterKind, [(timestamp: Int64, values: [Area: Double])])])
    ) async throws(VODClientError) {
        let windows = PollWindowPlanner.windows(now: now(), interval: 300, lookback: configuration.lookback,
                                                cursor: result.record.cursor(of: kinds), maxBackfill: configuration.maxBackfill)
        for window in windows {
            let (interval, series) = try await fetch(window)
            result.successes += 1
            for (kind, slots) in series {
                result.outcome.add(result.record.ingest(slots, into: kind, window: window, interval: Int64(interval ?? 300), now: now(), rules: configuration.rules))
            }
        }
    }

    private func gauges(_ series: DomainDataSeries, _ record: inout DomainRecord, now: Int64, rules: SettlementRules,
                        all: GaugeKind, https: GaugeKind, split: Bool = true, transform: (Double) -> Double) {
        let interval = Int64(series.dataInterval ?? 300)
        record.update(all, slots: split ? Area.splitAll(series.slots) : Area.whole(series.slots, https: false),
                      interval: interval, now: now, rules: rules, transform: transform)
        record.update(https, slots: split ? Area.splitHTTPS(series.slots) : Area.whole(series.slots, https: true),
                      interval: interval, now: now, rules: rules, transform: transform)
    }

    /// Hit rates come as percentages; exported as ratios (0–1).
    private static func ratio(_ percent: Double) -> Double { min(1, (percent * 100).rounded() / 10_000) }

    private func lookbackWindow(_ now: Int64) -> Range<Int64> {
        let end = PollWindowPlanner.floorDivide(now, 300) * 300
        return (end - configuration.lookback)..<end
    }

    private func query(_ domain: String, _ window: Range<Int64>) -> DomainDataQuery {
        DomainDataQuery(domainNames: [domain], startTime: window.lowerBound, endTime: window.upperBound, interval: .fiveMinutes)
    }
}
