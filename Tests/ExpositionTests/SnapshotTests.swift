import Exposition
import Gzip
import Testing
import TestSupport

@Suite struct SnapshotTests {
    private func fresh(_ name: String, _ value: Double) -> MetricFamily {
        .single(name: name, type: .gauge, help: "fresh \(name)", value: value)
    }

    /// Fresh families land at their sorted place: the body equals a full rendering of the union.
    @Test(arguments: ExpositionFormat.allCases)
    func freshFamiliesAreMergedInOrder(format: ExpositionFormat) throws {
        let families = try SampleFamilies.all()
        let snapshot = try ExpositionSnapshot(families: families)
        let extra = [fresh("zz_last", 3), fresh("aa_first", 1), fresh("sample_p_middle", 2)]
        let body = snapshot.body(format: format, fresh: extra, gzip: false)
        #expect(body.joined == ExpositionRenderer.render(families + extra, format: format))
        #expect(body.count == body.joined.count)
        #expect(body.format == format && !body.isGzipped)
    }

    @Test func freshFamilyWithASnapshotNameIsLeftOut() throws {
        let snapshot = try ExpositionSnapshot(families: [fresh("a", 1)])
        #expect(snapshot.body(format: .text, fresh: [fresh("a", 2)], gzip: false).joined == ExpositionRenderer.render([fresh("a", 1)], format: .text))
    }

    @Test func emptySnapshotServesOnlyFreshFamilies() {
        #expect(ExpositionSnapshot.empty.body(format: .text, fresh: [], gzip: false).count == 0)
        #expect(ExpositionSnapshot.empty.body(format: .openMetrics, fresh: [], gzip: false).joined == Array("# EOF\n".utf8))
    }

    /// The gzip body is one member whose content is exactly the plain body, scrape after scrape
    /// (the second scrape reuses the compressed static runs).
    @Test(arguments: ExpositionFormat.allCases)
    func gzipRoundTrip(format: ExpositionFormat) throws {
        let snapshot = try ExpositionSnapshot(families: try SampleFamilies.all())
        for round in 0..<3 {
            let extra = [fresh("process_x", Double(round)), fresh("a_first", 1)]
            let plain = snapshot.body(format: format, fresh: extra, gzip: false).joined
            let gzipped = snapshot.body(format: format, fresh: extra, gzip: true)
            #expect(gzipped.isGzipped)
            #expect(Array(gzipped.joined.prefix(3)) == [0x1F, 0x8B, 0x08])
            #expect(try GzipDecoder.decompress(gzipped.joined) == plain)
        }
    }

    /// An independent decoder (Python's gzip module) reads the spliced member as one stream.
    @Test func pythonReadsTheGzipBody() throws {
        var families = try SampleFamilies.all()
        var generator = SeededGenerator(seed: 5)
        families.append(try MetricFamily(name: "big", type: .gauge, help: "many series", series: (0..<5_000).map {
            Series(["domain": "d\($0).example.com"], Double(generator.next() % 1_000_000))
        }))
        let snapshot = try ExpositionSnapshot(families: families)
        let extra = [fresh("process_open_fds", 7)]
        let gzipped = snapshot.body(format: .text, fresh: extra, gzip: true).joined
        let plain = snapshot.body(format: .text, fresh: extra, gzip: false).joined
        let script = "import gzip, hashlib, sys; d = gzip.GzipFile(fileobj=sys.stdin.buffer).read(); print(len(d), hashlib.sha256(d).hexdigest())"
        let output = try ExternalTool.run("python3", ["-c", script], input: gzipped)
        let expected = try ExternalTool.run("python3", ["-c", "import hashlib, sys; d = sys.stdin.buffer.read(); print(len(d), hashlib.sha256(d).hexdigest())"], input: plain)
        #expect(output == expected)
        #expect(gzipped.count < plain.count / 4)
    }

    @Test func corruptGzipIsAnErrorNotACrash() {
        var data = GzipMember.compress(Array("hello hello hello".utf8))
        data[data.count - 5] ^= 0xFF
        #expect(throws: GzipDecoder.Failure.self) { try GzipDecoder.decompress(data) }
        #expect(throws: GzipDecoder.Failure.self) { try GzipDecoder.decompress(Array(data.prefix(8))) }
        #expect((try? GzipDecoder.decompress(GzipMember.compress([]))) == [])
    }

    @Test func publisherServesTheLatestSnapshot() throws {
        let publisher = MetricsPublisher(freshFamilies: { [fresh("p", 1)] })
        #expect(publisher.body(format: .text, gzip: false).joined == ExpositionRenderer.render([fresh("p", 1)], format: .text))
        let snapshot = try ExpositionSnapshot(families: try SampleFamilies.all())
        publisher.publish(snapshot)
        #expect(publisher.snapshot === snapshot)
        #expect(publisher.body(format: .text, gzip: false).joined == ExpositionRenderer.render(try SampleFamilies.all() + [fresh("p", 1)], format: .text))
    }
}
