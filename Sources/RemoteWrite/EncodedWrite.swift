/// One remote-write request ready to send: the snappy-compressed protobuf body and how many
/// samples it carries (for the counters).
public struct EncodedWrite: Sendable, Equatable {
    public let body: [UInt8]
    public let samples: Int

    public init(body: [UInt8], samples: Int) {
        self.body = body
        self.samples = samples
    }

    /// `series` as requests of at most ``WriteRequest/maxSamples`` samples each.
    public static func requests(_ series: [RemoteWriteSeries]) -> [EncodedWrite] {
        WriteRequest.batches(series).map { batch in
            EncodedWrite(body: WriteRequest.body(batch), samples: batch.reduce(0) { $0 + $1.samples.count })
        }
    }
}
