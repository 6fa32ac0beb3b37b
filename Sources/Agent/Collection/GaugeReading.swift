/// The newest settled value of a gauge and the start of its bucket.
public struct GaugeReading: Codable, Sendable, Equatable {
    public var bucketStart: Int64
    public var value: Double

    public init(bucketStart: Int64, value: Double) {
        self.bucketStart = bucketStart
        self.value = value
    }
}
