import Exposition
import Testing

@Suite struct NegotiationTests {
    @Test(arguments: [
        // Prometheus 2.42's scrape header.
        ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", ExpositionFormat.openMetrics),
        // Prometheus 3's default.
        ("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1", .openMetrics),
        // OpenMetrics 0.0.1 (or no version, which means 0.0.1) is not offered: fall through.
        ("application/openmetrics-text;version=0.0.1,text/plain;version=0.0.4;q=0.5", .text),
        ("application/openmetrics-text", .text),
        ("text/plain;version=0.0.4;q=0.5, application/openmetrics-text; version=1.0.0; q=0.6", .openMetrics),
        ("Application/OpenMetrics-Text; Version=\"1.0.0\"", .openMetrics),
        ("application/openmetrics-text;version=1.0.0;q=0, text/plain", .text),
        ("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,text/plain;q=0.5", .text),
        ("text/plain;version=1.0.0,application/openmetrics-text;version=1.0.0;q=0.9", .openMetrics),
        ("*/*", .text), ("", .text), ("garbage;;;q=x,,", .text), ("application/openmetrics-text;version=1.0.0;q=2", .text),
    ])
    func format(accept: String, expected: ExpositionFormat) {
        #expect(ContentNegotiation.format(accept: accept) == expected)
    }

    @Test func absentAcceptMeansText() {
        #expect(ContentNegotiation.format(accept: nil) == .text)
    }

    @Test(arguments: [
        ("gzip", true), ("gzip;q=0", false), ("GZIP", true), ("x-gzip", true), ("gzip, deflate, br", true), ("deflate", false),
        ("*", true), ("*;q=0", false), ("*, gzip;q=0", false), ("identity;q=1, gzip;q=0.5", false), ("identity;q=0.5, gzip", true),
        ("", false), ("gzip;q=abc", false), ("br;q=1.0, gzip;q=0.8, *;q=0.1", true),
    ])
    func gzip(acceptEncoding: String, expected: Bool) {
        #expect(ContentNegotiation.shouldGzip(acceptEncoding: acceptEncoding) == expected)
    }

    @Test func weightedListOrdersByWeightThenSpecificity() {
        let list = WeightedHeaderList("*/*;q=0.5, text/*;q=0.5, text/plain;q=0.5, a/b;q=0.9, c/d;q=0")
        #expect(list.preferred.map(\.value) == ["a/b", "text/plain", "text/*", "*/*"])
        #expect(list.all.count == 5)
    }
}
