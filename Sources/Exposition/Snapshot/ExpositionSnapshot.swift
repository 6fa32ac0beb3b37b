import Synchronization

/// The families of one data update, rendered once into bytes.
///
/// A scrape asks for a body and passes the few families that must be fresh on every scrape
/// (process metrics). The snapshot merges them at their sorted place between slices of its
/// prepared bytes, so the cost of a scrape does not grow with the size of the snapshot. Both
/// formats are rendered up front and the metric model is not kept: for 120,000 series the
/// model takes more memory than the two renderings together. Compressed segments are made on
/// first demand and kept.
public final class ExpositionSnapshot: Sendable {
    /// The families' names, sorted: where a fresh family goes.
    private let familyNames: [String]
    /// Their names in both formats, to leave out fresh families that clash (checked per scrape).
    private let names: Set<String>

    private struct Rendering {
        /// All families rendered back to back.
        var bytes: [UInt8]
        /// `offsets[i]` is where family `i` starts; `offsets[familyNames.count] == bytes.count`.
        var offsets: [Int]
        /// Compressed runs of whole families, keyed by their family index range.
        var compressedRuns: [Range<Int>: DeflatedSegment] = [:]
    }

    private let renderings: Mutex<[ExpositionFormat: Rendering]>

    /// Builds a snapshot and renders it in both formats.
    /// - Throws: `MetricDefinitionError` when two families share a name (in either format).
    public init(families: [MetricFamily]) throws(MetricDefinitionError) {
        let sorted = families.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var textNames = Set<String>(), openMetricsNames = Set<String>()
        for family in sorted {
            guard textNames.insert(family.name).inserted, openMetricsNames.insert(family.openMetricsName).inserted else {
                throw MetricDefinitionError(family: family.name, problem: "another family has the same name")
            }
        }
        self.familyNames = sorted.map(\.name)
        self.names = textNames.union(openMetricsNames)
        var renderings: [ExpositionFormat: Rendering] = [:]
        for format in ExpositionFormat.allCases { renderings[format] = Self.render(sorted, format: format) }
        self.renderings = Mutex(renderings)
    }

    /// An empty snapshot (before the first data update).
    public static let empty = try! ExpositionSnapshot(families: [])

    /// The body of one scrape.
    /// - Parameters:
    ///   - format: the negotiated exposition format.
    ///   - fresh: families computed for this scrape; one whose name the snapshot already has is
    ///     left out (the snapshot's data wins).
    ///   - gzip: whether to answer with a gzip member.
    public func body(format: ExpositionFormat, fresh: [MetricFamily], gzip: Bool) -> ExpositionBody {
        let fresh = fresh
            .filter { !names.contains($0.name) && !names.contains($0.openMetricsName) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        // Split the snapshot's families into runs, with each fresh family between two runs.
        var pieces: [Piece] = []
        var start = 0
        for family in fresh {
            let end = familyNames[start...].firstIndex { family.name.utf8.lexicographicallyPrecedes($0.utf8) } ?? familyNames.count
            if end > start { pieces.append(.run(start..<end)) }
            var rendered: [UInt8] = []
            ExpositionRenderer.render(family, format: format, into: &rendered)
            pieces.append(.fresh(rendered))
            start = end
        }
        if start < familyNames.count { pieces.append(.run(start..<familyNames.count)) }
        let trailer = format.trailer
        if !trailer.isEmpty { pieces.append(.fresh(trailer)) }

        return renderings.withLock { renderings in
            gzip
                ? Self.gzipBody(pieces, format: format, rendering: &renderings[format]!)
                : Self.plainBody(pieces, format: format, rendering: renderings[format]!)
        }
    }

    private enum Piece {
        case run(Range<Int>)
        case fresh([UInt8])
    }

    private static func plainBody(_ pieces: [Piece], format: ExpositionFormat, rendering: Rendering) -> ExpositionBody {
        let chunks = pieces.map { piece -> ArraySlice<UInt8> in
            switch piece {
            case .run(let range): rendering.bytes[rendering.offsets[range.lowerBound]..<rendering.offsets[range.upperBound]]
            case .fresh(let bytes): bytes[...]
            }
        }
        return ExpositionBody(chunks: chunks.filter { !$0.isEmpty }, format: format, isGzipped: false)
    }

    private static func gzipBody(_ pieces: [Piece], format: ExpositionFormat, rendering: inout Rendering) -> ExpositionBody {
        var segments: [DeflatedSegment] = []
        for piece in pieces {
            switch piece {
            case .run(let range):
                if let cached = rendering.compressedRuns[range] {
                    segments.append(cached)
                } else {
                    let bytes = rendering.bytes[rendering.offsets[range.lowerBound]..<rendering.offsets[range.upperBound]]
                    let segment = DeflatedSegment(compressing: bytes)
                    rendering.compressedRuns[range] = segment
                    segments.append(segment)
                }
            case .fresh(let bytes):
                segments.append(DeflatedSegment(compressing: bytes[...], level: 1))
            }
        }
        let chunks = [GzipMember.header[...]] + segments.map { $0.deflated[...] } + [GzipMember.trailer(for: segments)[...]]
        return ExpositionBody(chunks: chunks, format: format, isGzipped: true)
    }

    private static func render(_ families: [MetricFamily], format: ExpositionFormat) -> Rendering {
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        offsets.reserveCapacity(families.count + 1)
        for family in families {
            offsets.append(bytes.count)
            ExpositionRenderer.render(family, format: format, into: &bytes)
        }
        offsets.append(bytes.count)
        return Rendering(bytes: bytes.compacted(), offsets: offsets)
    }
}
