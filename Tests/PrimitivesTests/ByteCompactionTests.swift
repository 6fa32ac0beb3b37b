import Primitives
import Testing

/// Buffers a snapshot keeps for a whole poll interval hold their bytes, not their growth room.
struct ByteCompactionTests {
    @Test func spareCapacityIsDroppedAndTheBytesKept() {
        var grown: [UInt8] = []
        for index in 0..<300_000 { grown.append(UInt8(truncatingIfNeeded: index &* 31)) }
        grown.reserveCapacity(600_000)
        let compacted = grown.compacted()
        #expect(compacted == grown)
        #expect(compacted.capacity < grown.count + grown.count / 8, "capacity \(compacted.capacity) for \(grown.count) bytes")
    }

    @Test func smallSlackIsLeftAlone() {
        var bytes = [UInt8](repeating: 7, count: 10_000)
        bytes.reserveCapacity(11_000)
        let capacity = bytes.capacity
        #expect(bytes.compacted().capacity == capacity)
    }
}
