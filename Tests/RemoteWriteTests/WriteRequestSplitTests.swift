import RemoteWrite
import Testing
import TestSupport

/// Splitting a WriteRequest by series (how a refused request is searched for its bad series).
@Suite struct WriteRequestSplitTests {
    static let series = (0..<5).map { index in
        RemoteWriteSeries(labels: ["__name__": "m", "i": String(index)],
                          samples: (0...index).map { .init(value: Double($0) + 0.5, timestampMilliseconds: Int64($0) * 300_000) })
    }

    @Test func piecesAreWholeSeriesThatRejoinIntoRequests() throws {
        let protobuf = WriteRequest.protobuf(Self.series)
        let pieces = try #require(WriteRequest.timeSeries(protobuf))
        #expect(pieces.count == 5)
        #expect(pieces.map { WriteRequest.sampleCount($0) } == [1, 2, 3, 4, 5])
        #expect(Array(pieces.joined()) == protobuf)
        let back = try WriteRequestDecoder.samples(protobuf: Array(pieces[3...].joined()))
        #expect(Set(back.map { $0.labels["i"] }) == ["3", "4"] && back.count == 9)
    }

    @Test(arguments: [
        [0x0A, 0x05, 0x01], // a length past the end
        [0x12, 0x00],       // another field at the top
        [0x0A],             // a key without a length
    ] as [[UInt8]])
    func malformedBytesAreNotSplit(bytes: [UInt8]) {
        #expect(WriteRequest.timeSeries(bytes) == nil)
    }

    @Test func anEmptyRequestHasNoSeries() {
        #expect(WriteRequest.timeSeries([])?.isEmpty == true)
    }
}
