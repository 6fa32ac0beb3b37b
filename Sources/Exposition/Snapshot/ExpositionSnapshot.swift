import Gzip
import Primitives
import Synchronization

/// The families of one data update, rendered once into bytes.
///
/// A scrape asks for a body and passes the few families that must be fresh on every scrape
/// (process metrics). The snapshot merges them at their sorted place between slices of its
/// prepared bytes, so the cost of a scrape does not grow with the size of the snapshot.
///
/// The two formats differ only in each family's metadata lines; the sample lines are the same
/// bytes. So the snapshot keeps one text rendering, plus the OpenMetrics metadata of each family,
/// and serves OpenMetrics as metadata and slices of the text's sample lines. It keeps no metric
/// model: for 140,000 series that would take more memory than the rendering. Compressed
/// segments are made on first demand and kept.
public final class ExpositionSnapshot: Sendable {
    /// The families' names, sorted: where a fresh family goes.
    private let familyNames: [String]
    /// Their names in both formats, to leave out fresh families that clash (checked per scrape).
    private let names: Set<String>
    /// All families in text 0.0.4, back to back.
    private let text: [UInt8]
    /// `familyStarts[i]` is where family `i` starts in `text`; the last entry is `text.count`.
    private let familyStarts: [Int]
    /// `sampleStarts[i]` is where family `i`'s sample lines start (after its metadata).
    private let sampleStarts: [Int]
    /// Each family's OpenMetrics metadata lines.
    private let openMetricsMetadata: [[UInt8]]
    /// Compressed runs of whole families, by format and family index range.
    private let compressedRuns = Mutex<[ExpositionFormat: [Range<Int>: DeflatedSegment]]>([:])

    /// Builds a snapshot and renders it.
    /// - Throws: `MetricDefinitionError` when two families share a name (in either format).
    public init(families: [MetricFamily]) throws(MetricDefinitionError) {
        let sorted = families.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var textNames = Set<String>(), openMetricsNames = Set<String>()
        for family in sorted {
            guard textNames.insert(family.name).inserted, openMetricsNames.insert(family.openMetricsName).inserted else {
                throw MetricDefinitionError(family: family.name, problem: "another family has the same name")
            }
        }
        familyNames = sorted.map(\.name)
        names = textNames.union(openMetricsNames)
        var text: [UInt8] = []
        var familyStarts: [Int] = [], sampleStarts: [Int] = []
        familyStarts.reserveCapacity(sorted.count + 1)
        sampleStarts.reserveCapacity(sorted.count)
        for family in sorted {
            familyStarts.append(text.count)
            ExpositionRenderer.renderMetadata(family, format: .text, into: &text)
            sampleStarts.append(text.count)
            ExpositionRenderer.renderSamples(family, into: &text)
        }
        familyStarts.append(text.count)
        self.text = text.compacted()
        self.familyStarts = familyStarts
        self.sampleStarts = sampleStarts
        openMetricsMetadata = sorted.map { family in
            var metadata: [UInt8] = []
            ExpositionRenderer.renderMetadata(family, format: .openMetrics, into: &metadata)
            return metadata
        }
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

        return gzip ? gzipBody(pieces, format: format) : plainBody(pieces, format: format)
    }

    /// The bytes of families `range` in `format`, as slices of the kept buffers.
    private func slices(of range: Range<Int>, format: ExpositionFormat) -> [ArraySlice<UInt8>] {
        switch format {
        case .text:
            return [text[familyStarts[range.lowerBound]..<familyStarts[range.upperBound]]]
        case .openMetrics:
            return range.flatMap { index in [openMetricsMetadata[index][...], text[sampleStarts[index]..<familyStarts[index + 1]]] }
        }
    }

    private enum Piece {
        case run(Range<Int>)
        case fresh([UInt8])
    }

    private func plainBody(_ pieces: [Piece], format: ExpositionFormat) -> ExpositionBody {
        let chunks = pieces.flatMap { piece -> [ArraySlice<UInt8>] in
            switch piece {
            case .run(let range): slices(of: range, format: format)
            case .fresh(let bytes): [bytes[...]]
            }
        }
        return ExpositionBody(chunks: chunks.filter { !$0.isEmpty }, format: format, isGzipped: false)
    }

    private func gzipBody(_ pieces: [Piece], format: ExpositionFormat) -> ExpositionBody {
        var segments: [DeflatedSegment] = []
        for piece in pieces {
            switch piece {
            case .run(let range):
                segments.append(compressedRun(range, format: format))
            case .fresh(let bytes):
                segments.append(DeflatedSegment(compressing: bytes[...], level: 1))
            }
        }
        let chunks = [GzipMember.header[...]] + segments.map { $0.deflated[...] } + [GzipMember.trailer(for: segments)[...]]
        return ExpositionBody(chunks: chunks, format: format, isGzipped: true)
    }

    /// Families `range` in `format`, compressed once and kept.
    private func compressedRun(_ range: Range<Int>, format: ExpositionFormat) -> DeflatedSegment {
        if let cached = compressedRuns.withLock({ $0[format]?[range] }) { return cached }
        let parts = slices(of: range, format: format)
        let segment = parts.count == 1
            ? DeflatedSegment(compressing: parts[0])
            : DeflatedSegment(compressing: parts.reduce(into: [UInt8]()) { $0.append(contentsOf: $1) }[...])
        // Two scrapes racing here compress the same bytes; either result is right.
        compressedRuns.withLock { $0[format, default: [:]][range] = segment }
        return segment
    }
}
