import Gzip
import Testing

/// A compressed segment is kept for a whole poll interval: it holds its bytes, not the
/// worst-case buffer it was deflated into.
struct DeflatedSegmentTests {
    @Test func compressedSegmentsKeepOnlyWhatTheyProduced() {
        let text = Array(String(repeating: "aliyun_vod_traffic_bytes_total{area=\"domestic\",domain=\"d.example.com\"} 1\n", count: 5_000).utf8)
        let segment = DeflatedSegment(compressing: text[...])
        #expect(segment.deflated.count < text.count / 20, "repetitive text compresses well")
        #expect(segment.deflated.capacity <= segment.deflated.count + 4096 + segment.deflated.count / 8)
    }
}
