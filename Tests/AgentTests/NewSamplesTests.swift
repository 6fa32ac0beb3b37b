@testable import Agent
import Foundation
import Testing

/// Which buckets and minutes of a poll are new to the remote-write receiver.
@Suite struct NewSamplesTests {
    static let start: Int64 = 1_764_000_000 / 300 * 300

    /// A traffic answer for buckets `start + i × 300` with domestic/overseas values, received at `receivedAt`.
    static func traffic(_ buckets: [Int64: [Area: Double]], receivedAt: Int64, window: Range<Int64>? = nil, interval: Int64 = 300) -> DomainObservation {
        var observation = DomainObservation()
        let slots = buckets.keys.sorted().map { (timestamp: $0, values: buckets[$0]!) }
        let window = window ?? (buckets.keys.min()!..<(buckets.keys.max()! + 300))
        observation.counters = [
            .init(kind: .traffic, window: window, interval: interval, slots: slots, receivedAt: receivedAt),
            .init(kind: .httpsTraffic, window: window, interval: interval, slots: slots, receivedAt: receivedAt),
        ]
        observation.gauges = [.init(kind: .bandwidth, interval: interval, slots: slots.map { ($0.timestamp, $0.values.mapValues { $0 / 300 }) }, receivedAt: receivedAt)]
        return observation
    }

    @Test func onlySettledBucketsAfterTheCursorAreNewAndEachOnlyOnce() {
        var buckets: [Int64: [Area: Double]] = [:]
        for index in 0..<6 {
            let value: Double = 300 * Double(index + 1)
            buckets[Self.start + Int64(index) * 300] = [.domestic: value, .overseas: 30]
        }
        // Received 15 minutes after the end of the fourth bucket: buckets 0–3 are settled.
        let receivedAt = Self.start + 4 * 300 + 900
        var cursors: [TimestampedFamily: Int64] = [:]
        let first = NewSamples.settled(Self.traffic(buckets, receivedAt: receivedAt), domain: "a.example.com", settleDelay: 900, cursors: &cursors)
        let settledStarts: [Int64] = (0..<4).map { Self.start + Int64($0) * 300 }
        let trafficTimes: [Int64] = first.filter { $0.family == .traffic }.map(\.timestamp)
        #expect(trafficTimes == settledStarts.flatMap { [$0, $0] })
        #expect(first.filter { $0.family == .peakBandwidth }.count == 8, "bandwidth too, domestic and overseas")
        #expect(first.contains(TimestampedSample(family: .traffic, domain: "a.example.com", area: .domestic, timestamp: Self.start + 300, value: 600)))
        #expect(first.contains(TimestampedSample(family: .peakBandwidth, domain: "a.example.com", area: .overseas, timestamp: Self.start, value: 0.1)))
        #expect(cursors == [.traffic: Self.start + 900, .peakBandwidth: Self.start + 900])

        // The next poll sees the same buckets again (and one more settled): only the new one counts,
        // even when an old one was revised.
        var revised = buckets
        revised[Self.start]![.domestic] = 999_999
        let second = NewSamples.settled(Self.traffic(revised, receivedAt: receivedAt + 300), domain: "a.example.com", settleDelay: 900, cursors: &cursors)
        #expect(Set(second.map(\.timestamp)) == [Self.start + 1200])
        #expect(second.count == 4)
    }

    @Test func implausibleValuesAndOtherIntervalsAreLeftOut() {
        var cursors: [TimestampedFamily: Int64] = [:]
        let buckets: [Int64: [Area: Double]] = [Self.start: [.domestic: -1, .overseas: .nan], Self.start + 300: [.domestic: 1e30, .overseas: 5]]
        let samples = NewSamples.settled(Self.traffic(buckets, receivedAt: Self.start + 3600), domain: "d", settleDelay: 900, cursors: &cursors)
        #expect(samples.filter { $0.family == .traffic } == [TimestampedSample(family: .traffic, domain: "d", area: .overseas, timestamp: Self.start + 300, value: 5)])
        var hourly: [TimestampedFamily: Int64] = [:]
        #expect(NewSamples.settled(Self.traffic([Self.start: [.unknown: 5]], receivedAt: Self.start + 9000, interval: 3600), domain: "d",
                                   settleDelay: 900, cursors: &hourly).isEmpty)
    }

    @Test func bucketsOutsideTheCallsWindowAreNotTaken() {
        var cursors: [TimestampedFamily: Int64] = [:]
        let buckets: [Int64: [Area: Double]] = [Self.start: [.unknown: 1], Self.start + 300: [.unknown: 2]]
        let observation = Self.traffic(buckets, receivedAt: Self.start + 3600, window: (Self.start + 300)..<(Self.start + 600))
        #expect(NewSamples.settled(observation, domain: "d", settleDelay: 900, cursors: &cursors).filter { $0.family == .traffic }.map(\.value) == [2])
    }

    @Test func realtimeMinutesOnceAndNotBeforeTheProcessStarted() {
        var cursors: [TimestampedFamily: Int64] = [:]
        let minute = Self.start
        let reading = RealtimeReading(minute: minute, bytesPerSecond: 1000, requestsPerSecond: nil, responsesByCode: [:])
        #expect(NewSamples.realtime(reading, domain: "d", notBefore: minute + 60, cursors: &cursors).isEmpty, "the previous process may have sent it")
        #expect(NewSamples.realtime(reading, domain: "d", notBefore: minute, cursors: &cursors)
            == [TimestampedSample(family: .minuteBandwidth, domain: "d", area: nil, timestamp: minute, value: 1000)])
        #expect(NewSamples.realtime(reading, domain: "d", notBefore: minute, cursors: &cursors).isEmpty, "sent already")
    }

    @Test func theSettledCursorsAreSavedWithTheRecordAndTheRealtimeOnesAreNot() throws {
        var record = DomainRecord()
        record.sentCursors = [.traffic: 600, .peakBandwidth: 300, .minuteBandwidth: 60]
        let state = AgentState(savedAt: 1, endpoint: "e", shard: "0/1", domains: ["d": record])
        let encoder = JSONEncoder()
        let decoded = try JSONDecoder().decode(AgentState.self, from: encoder.encode(state))
        #expect(decoded.domains["d"]?.sentCursors == [.traffic: 600, .peakBandwidth: 300])
    }
}
