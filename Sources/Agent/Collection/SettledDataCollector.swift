import HTTPClient
import VODAPI

/// A collector of settled 5-minute data for each selected domain: traffic, bandwidth, origin,
/// hit ratios or requests. Counters ask for the windows their ledgers still need (the lookback,
/// or back to the cursor after a gap); gauges for the lookback.
struct SettledDataCollector: Collector {
    let kind: AgentConfiguration.Collector
    let client: VODClient
    let configuration: AgentConfiguration
    /// When answers arrive decides which buckets are settled.
    let time: any TimeSource

    init(_ kind: AgentConfiguration.Collector, client: VODClient, configuration: AgentConfiguration, time: any TimeSource) {
        precondition(AgentConfiguration.Collector.settled.contains(kind), "a settled-data collector")
        self.kind = kind
        self.client = client
        self.configuration = configuration
        self.time = time
    }

    var cadence: Cadence { configuration.cadence(of: kind) }

    /// The counter kinds whose cursors choose the windows.
    private var counterKinds: [CounterKind] {
        switch kind {
        case .traffic: [.traffic, .httpsTraffic]
        case .origin: [.originTraffic, .httpsOriginTraffic]
        case .requests: [.requests, .httpsRequests]
        default: []
        }
    }

    func plan(_ engine: AgentEngine) async -> Result<[WorkItem], RunProblem> {
        await engine.selectedDomains().map { domains in domains.map { WorkItem(key: $0, domains: [$0]) } }
    }

    func perform(_ item: WorkItem, engine: AgentEngine) async -> VODClientError? {
        guard let domain = item.domains.first else { return nil }
        let cursor = counterKinds.isEmpty ? nil : await engine.cursor(of: domain, kinds: counterKinds)
        var observation = DomainObservation()
        let failure = await fetch(domain, cursor: cursor, into: &observation)
        await engine.apply(observation, to: domain)
        return failure
    }

    /// Fills `observation` with every answer that arrived; returns the error that stopped it.
    /// Counter windows stop at the first failure: counting later windows would move the
    /// cursors past the missing one.
    func fetch(_ domain: String, cursor: Int64?, into observation: inout DomainObservation) async -> VODClientError? {
        do {
            switch kind {
            case .traffic:
                for window in windows(cursor: cursor) {
                    let series = try await client.call(DescribeVodDomainTrafficData(query: query(domain, window)))
                    observation.counters += counters(series.dataInterval, series.slots, window: window, all: .traffic, https: .httpsTraffic)
                }
            case .bandwidth:
                let series = try await client.call(DescribeVodDomainBpsData(query: query(domain, lookbackWindow())))
                observation.gauges += gauges(series.dataInterval, series.slots, all: .bandwidth, https: .httpsBandwidth, transform: Self.bitsToBytes)
            case .origin:
                for window in windows(cursor: cursor) {
                    let series = try await client.call(DescribeVodDomainSrcTrafficData(query: query(domain, window)))
                    observation.counters += counters(series.dataInterval, series.slots, window: window, all: .originTraffic, https: .httpsOriginTraffic)
                }
                let series = try await client.call(DescribeVodDomainSrcBpsData(query: query(domain, lookbackWindow())))
                observation.gauges += gauges(series.dataInterval, series.slots, all: .originBandwidth, https: .httpsOriginBandwidth,
                                             transform: Self.bitsToBytes)
            case .hitratio:
                let bytes = try await client.call(DescribeVodDomainHitRateData(query: query(domain, lookbackWindow())))
                observation.gauges += gauges(bytes.dataInterval, bytes.slots, all: .byteHitRatio, https: .httpsByteHitRatio, split: false,
                                             transform: Self.ratio)
                let requests = try await client.call(DescribeVodDomainReqHitRateData(query: query(domain, lookbackWindow())))
                observation.gauges += gauges(requests.dataInterval, requests.slots, all: .requestHitRatio, https: .httpsRequestHitRatio, split: false,
                                             transform: Self.ratio)
            case .requests:
                for window in windows(cursor: cursor) {
                    let answer = try await client.call(DescribeVodDomainQpsData(query: query(domain, window)))
                    observation.counters += counters(answer.dataInterval, answer.slots.map(\.requests), window: window, all: .requests, https: .httpsRequests)
                    observation.gauges += gauges(answer.dataInterval, answer.slots.map(\.qps), all: .requestRate, https: .httpsRequestRate)
                }
            case .quota, .tasks, .realtime, .usage, .discovery:
                preconditionFailure("not a settled-data collector")
            }
            return nil
        } catch {
            return error
        }
    }

    /// One answer's buckets for a counter kind and its HTTPS twin.
    private func counters(_ dataInterval: Int?, _ slots: [DataSlot], window: Range<Int64>, all: CounterKind,
                          https: CounterKind) -> [DomainObservation.Counters] {
        let interval = Int64(dataInterval ?? 300), now = Int64(time.now())
        return [.init(kind: all, window: window, interval: interval, slots: Area.splitAll(slots), receivedAt: now),
                .init(kind: https, window: window, interval: interval, slots: Area.splitHTTPS(slots), receivedAt: now)]
    }

    /// One answer's buckets for a gauge kind and its HTTPS twin, in exported units; split by
    /// area, or whole for series that have no area (hit ratios).
    private func gauges(_ dataInterval: Int?, _ slots: [DataSlot], all: GaugeKind, https: GaugeKind, split: Bool = true,
                        transform: @escaping (Double) -> Double = { $0 }) -> [DomainObservation.Gauges] {
        let interval = Int64(dataInterval ?? 300), now = Int64(time.now())
        func converted(_ slots: AreaSlots) -> AreaSlots {
            slots.map { ($0.timestamp, $0.values.mapValues { $0.isFinite ? transform($0) : $0 }) }
        }
        return [
            .init(kind: all, interval: interval, slots: converted(split ? Area.splitAll(slots) : Area.whole(slots, https: false)), receivedAt: now),
            .init(kind: https, interval: interval, slots: converted(split ? Area.splitHTTPS(slots) : Area.whole(slots, https: true)), receivedAt: now),
        ]
    }

    /// The API reports bandwidth in bit/s; exported in bytes/s.
    private static func bitsToBytes(_ bits: Double) -> Double { bits / 8 }

    /// Hit rates come as percentages; exported as ratios (0–1).
    private static func ratio(_ percent: Double) -> Double { (percent * 100).rounded() / 10_000 }

    private func windows(cursor: Int64?) -> [Range<Int64>] {
        PollWindowPlanner.windows(now: Int64(time.now()), interval: 300, lookback: configuration.lookback, cursor: cursor,
                                  maxBackfill: configuration.maxBackfill)
    }

    private func lookbackWindow() -> Range<Int64> {
        let end = PollWindowPlanner.floorDivide(Int64(time.now()), 300) * 300
        return (end - configuration.lookback)..<end
    }

    private func query(_ domain: String, _ window: Range<Int64>) -> DomainDataQuery {
        DomainDataQuery(domainNames: [domain], startTime: window.lowerBound, endTime: window.upperBound, interval: .fiveMinutes)
    }
}
