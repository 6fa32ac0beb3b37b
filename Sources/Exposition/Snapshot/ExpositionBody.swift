/// A response body as a list of byte chunks, written to the socket one after the other without
/// being copied into one buffer first.
public struct ExpositionBody: Sendable {
    /// The chunks, in order.
    public let chunks: [ArraySlice<UInt8>]
    /// The format the body is in.
    public let format: ExpositionFormat
    /// Whether the chunks form a gzip member (`Content-Encoding: gzip`).
    public let isGzipped: Bool

    public init(chunks: [ArraySlice<UInt8>], format: ExpositionFormat, isGzipped: Bool) {
        self.chunks = chunks
        self.format = format
        self.isGzipped = isGzipped
    }

    /// Total length in bytes (`Content-Length`).
    public var count: Int { chunks.reduce(0) { $0 + $1.count } }

    /// The chunks joined; for tests and tools, not for the serving path.
    public var joined: [UInt8] { chunks.reduce(into: []) { $0.append(contentsOf: $1) } }
}
