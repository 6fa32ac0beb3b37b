extension Array where Element == UInt8 {
    /// The same bytes in storage of their own size, when the buffer has much spare capacity.
    ///
    /// A buffer built by appending doubles as it grows and a compression buffer is sized for the
    /// worst case, so a kept buffer can hold up to twice (or many times) what it needs; a
    /// snapshot keeps its buffers for a whole poll interval.
    public func compacted() -> [UInt8] {
        guard capacity - count > Swift.max(4096, count / 8) else { return self }
        return withUnsafeBufferPointer { Array($0) }
    }
}
