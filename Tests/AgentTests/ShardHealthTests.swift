import Agent
import Exposition
import Testing

/// Health at any scale: a shard that the hash gives no domain is healthy while the list is
/// current; one replica with nothing selected, a shard whose discovery fails, and an index
/// beyond the count are not. Every shard says what it covers, for the coverage alert.
@Suite struct ShardHealthTests {
    static let domains = ["a.example.com", "b.example.com", "c.example.com"]

    @Test func threeDomainsOverEightShardsAreAllUpAndCoverTheAccountOnce() async throws {
        var selected = 0.0
        var empty = 0
        for index in 0..<8 {
            let shard = try #require(ShardSpec(parsing: "\(index)/8"))
            let harness = try EngineHarness(shard: shard, collectors: [.traffic, .realtime])
            let families = try await harness.cycle()
            let owned = Self.domains.filter(shard.owns)
            if owned.isEmpty { empty += 1 }
            #expect(families["aliyun_vod_up"]?.value() == 1, "shard \(index) (\(owned.count) domains)")
            #expect(families["aliyun_vod_exporter_collector_success"]?.value(["collector": "traffic"]) == 1, "shard \(index)")
            #expect(families["aliyun_vod_exporter_domains"]?.value(["state": "selected"]) == Double(owned.count))
            #expect(families["aliyun_vod_exporter_domains"]?.value(["state": "matched"]) == 3)
            #expect(families["aliyun_vod_exporter_shards"]?.value(["shard": String(index)]) == 8)
            selected += families["aliyun_vod_exporter_domains"]?.value(["state": "selected"]) ?? 0
        }
        #expect(empty >= 5, "3 domains leave at least 5 of 8 shards empty")
        #expect(selected == 3)
    }

    @Test func oneReplicaWithNothingSelectedIsNotUp() async throws {
        let harness = try EngineHarness(include: "nothing\\.matches", collectors: [.traffic])
        let families = try await harness.cycle()
        #expect(families["aliyun_vod_up"]?.value() == 0)
        #expect(families["aliyun_vod_exporter_collector_failures_total"]?.value(["collector": "traffic", "reason": "no_domains"]) == 1)
    }

    @Test func anEmptyShardIsNotUpWhileDiscoveryFails() async throws {
        let shard = try #require((0..<8).lazy.compactMap { ShardSpec(parsing: "\($0)/8") }.first { shard in !Self.domains.contains(where: shard.owns) })
        let harness = try EngineHarness(shard: shard, collectors: [.traffic])
        #expect(try await harness.cycle()["aliyun_vod_up"]?.value() == 1)
        harness.api.settings.withLock { $0.bodies["DescribeVodUserDomains"] = (503, #"{"RequestId":"r","Code":"ServiceUnavailable","Message":"down"}"#) }
        #expect(try await harness.cycle()["aliyun_vod_up"]?.value() == 0)
        harness.api.settings.withLock { $0.bodies["DescribeVodUserDomains"] = nil }
        #expect(try await harness.cycle()["aliyun_vod_up"]?.value() == 1)
    }

    @Test func anIndexBeyondTheCountPollsNothingAndIsNotUp() async throws {
        let shard = try #require(ShardSpec(parsing: "3/3"))
        #expect(shard.isOutsideCount && !Self.domains.contains(where: shard.owns))
        let harness = try EngineHarness(shard: shard, collectors: [.traffic])
        let families = try await harness.cycle()
        #expect(families["aliyun_vod_up"]?.value() == 0)
        #expect(families["aliyun_vod_exporter_shards"]?.value(["shard": "3"]) == 3)
        #expect(harness.logs.all.contains { $0.metadata.values.contains { $0.contains("shard 3/3 is outside its count") } })
        #expect(ShardSpec(parsing: "1/0") == nil && ShardSpec(parsing: "1024/4") == nil)
    }
}
