/// One series of a remote-write request: its labels (the metric name as `__name__`) and samples
/// with their own timestamps.
public struct RemoteWriteSeries: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public var value: Double
        /// Milliseconds since the Unix epoch: the time the value is for, not when it was sent.
        public var timestampMilliseconds: Int64

        public init(value: Double, timestampMilliseconds: Int64) {
            self.value = value
            self.timestampMilliseconds = timestampMilliseconds
        }
    }

    /// Sorted by name, as the protocol requires.
    public let labels: [(name: String, value: String)]
    public var samples: [Sample]

    public init(labels: [String: String], samples: [Sample]) {
        self.labels = labels.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
        self.samples = samples
    }

    public static func == (lhs: RemoteWriteSeries, rhs: RemoteWriteSeries) -> Bool {
        lhs.labels.map(\.name) == rhs.labels.map(\.name) && lhs.labels.map(\.value) == rhs.labels.map(\.value) && lhs.samples == rhs.samples
    }
}

/// The Prometheus remote-write 1.0 body: a protobuf `prometheus.WriteRequest` (time series of
/// labels and samples), snappy-compressed. Pure.
public enum WriteRequest {
    /// The headers the protocol requires beside the body.
    public static let headers: [(name: String, value: String)] = [
        ("Content-Encoding", "snappy"), ("Content-Type", "application/x-protobuf"), ("X-Prometheus-Remote-Write-Version", "0.1.0"),
    ]

    /// The protobuf bytes of a WriteRequest holding `series` (field 1, repeated TimeSeries).
    public static func protobuf(_ series: [RemoteWriteSeries]) -> [UInt8] {
        var request: [UInt8] = []
        for one in series {
            var timeSeries: [UInt8] = []
            for label in one.labels {
                var encoded: [UInt8] = []
                Protobuf.appendString(label.name, field: 1, to: &encoded)
                Protobuf.appendString(label.value, field: 2, to: &encoded)
                Protobuf.appendMessage(encoded, field: 1, to: &timeSeries)
            }
            for sample in one.samples {
                var encoded: [UInt8] = []
                Protobuf.appendDouble(sample.value, field: 1, to: &encoded)
                Protobuf.appendVarint(UInt64(bitPattern: sample.timestampMilliseconds), field: 2, to: &encoded)
                Protobuf.appendMessage(encoded, field: 2, to: &timeSeries)
            }
            Protobuf.appendMessage(timeSeries, field: 1, to: &request)
        }
        return request
    }

    /// The body to send: the protobuf, snappy-compressed.
    public static func body(_ series: [RemoteWriteSeries]) -> [UInt8] {
        Snappy.compress(protobuf(series))
    }
}

/// The few protobuf wire-format pieces a WriteRequest needs.
enum Protobuf {
    static func appendKey(field: Int, wireType: UInt64, to output: inout [UInt8]) {
        Snappy.appendVarint(UInt64(field) << 3 | wireType, to: &output)
    }

    static func appendVarint(_ value: UInt64, field: Int, to output: inout [UInt8]) {
        appendKey(field: field, wireType: 0, to: &output)
        Snappy.appendVarint(value, to: &output)
    }

    static func appendDouble(_ value: Double, field: Int, to output: inout [UInt8]) {
        appendKey(field: field, wireType: 1, to: &output)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) { output.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    static func appendMessage(_ bytes: [UInt8], field: Int, to output: inout [UInt8]) {
        appendKey(field: field, wireType: 2, to: &output)
        Snappy.appendVarint(UInt64(bytes.count), to: &output)
        output.append(contentsOf: bytes)
    }

    static func appendString(_ text: String, field: Int, to output: inout [UInt8]) {
        appendMessage(Array(text.utf8), field: field, to: &output)
    }
}
