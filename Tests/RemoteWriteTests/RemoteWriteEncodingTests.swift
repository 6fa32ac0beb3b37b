import Foundation
@testable import RemoteWrite
import Testing
import TestSupport

/// The two codecs of remote write against independent implementations: Python's `cramjam`
/// (snappy) and Google's `protobuf` (the WriteRequest message, built from its descriptor).
@Suite struct RemoteWriteEncodingTests {
    static func inputs() -> [[UInt8]] {
        var generator = SeededGenerator(seed: 20_261_130)
        let exposition = Array((0..<400).map { "aliyun_vod_interval_traffic_bytes{area=\"domestic\",domain=\"d\($0).example.com\"} \($0 * 1_234_567)\n" }.joined().utf8)
        return [[], [7], Array("abcd".utf8), Array(repeating: 0x61, count: 1000), generator.bytes(5000), exposition,
                Array((exposition + generator.bytes(70_000) + exposition).prefix(200_000))]
    }

    @Test func snappyRoundTripsAndAgreesWithCramjam() throws {
        let inputs = Self.inputs()
        for input in inputs {
            #expect(try Snappy.decompress(Snappy.compress(input)) == input, "\(input.count) bytes")
        }
        // cramjam decompresses ours, and compresses blocks our decoder must read.
        let script = """
            import sys, cramjam
            for line in sys.stdin.read().split():
                kind, data = line.split(":")
                data = bytes.fromhex(data)
                if kind == "ours":
                    print(bytes(cramjam.snappy.decompress_raw(data)).hex() or "-")
                else:
                    print(bytes(cramjam.snappy.compress_raw(data)).hex())
            """
        let lines = inputs.flatMap { input in ["ours:\(Self.hex(Snappy.compress(input)))", "theirs:\(Self.hex(input))"] }.joined(separator: "\n")
        let output = try ExternalTool.run("python3", ["-c", script], input: Array(lines.utf8)).split(separator: "\n").map(String.init)
        try #require(output.count == inputs.count * 2)
        for (index, input) in inputs.enumerated() {
            #expect(output[2 * index] == (input.isEmpty ? "-" : Self.hex(input)), "cramjam reads our block of \(input.count) bytes")
            #expect(try Snappy.decompress(Self.bytes(output[2 * index + 1])) == input, "we read cramjam's block of \(input.count) bytes")
        }
        // Repetitive data compresses (the exposition text to well under half).
        #expect(Snappy.compress(inputs[5]).count * 3 < inputs[5].count)
    }

    @Test(arguments: [([UInt8]([0x05, 0xF0]), "it ends inside an element"), ([0x02, 0x05, 0x02, 0x00], "a copy reaches before the start"),
                      ([0x03, 0x00, 0x61], "it holds 1 bytes, not the 3 it announces"), ([0x01, 0x08, 0x61, 0x62, 0x63], "a literal runs past the end")])
    func snappyRefusesBrokenBlocks(block: [UInt8], reason: String) {
        #expect(throws: Snappy.DecodeError(reason: reason)) { try Snappy.decompress(block) }
    }

    @Test func writeRequestAgreesWithProtobuf() throws {
        let series = [
            RemoteWriteSeries(labels: ["__name__": "aliyun_vod_bucket_traffic_bytes", "domain": "video.example.com", "area": "domestic"],
                              samples: [.init(value: 1.5e9, timestampMilliseconds: 1_795_600_000_000), .init(value: 0, timestampMilliseconds: 1_795_600_300_000)]),
            RemoteWriteSeries(labels: ["__name__": "aliyun_vod_bucket_peak_bits_per_second", "domain": "ü.example.com", "Area": "x"],
                              samples: [.init(value: -2.25, timestampMilliseconds: -1000), .init(value: .infinity, timestampMilliseconds: 0)]),
        ]
        // The WriteRequest message class of scripts/bench-lib/prompb.py (Google's protobuf).
        let library = String(#filePath.split(separator: "/").dropLast(3).joined(separator: "/")) + "/scripts/bench-lib"
        let script = """
            import sys, json
            sys.path.insert(0, "/\(library)")
            from prompb import write_request_class
            WriteRequest = write_request_class()
            request = WriteRequest()
            request.ParseFromString(bytes.fromhex(sys.stdin.read().strip()))
            print(json.dumps([{"labels": [[l.name, l.value] for l in s.labels], "samples": [[repr(x.value), x.timestamp] for x in s.samples]}
                              for s in request.timeseries], ensure_ascii=False))
            """
        let output = try ExternalTool.run("python3", ["-c", script], input: Array(Self.hex(WriteRequest.protobuf(series)).utf8))
        let expected = """
            [{"labels": [["__name__", "aliyun_vod_bucket_traffic_bytes"], ["area", "domestic"], ["domain", "video.example.com"]], \
            "samples": [["1500000000.0", 1795600000000], ["0.0", 1795600300000]]}, \
            {"labels": [["Area", "x"], ["__name__", "aliyun_vod_bucket_peak_bits_per_second"], ["domain", "ü.example.com"]], \
            "samples": [["-2.25", -1000], ["inf", 0]]}]
            """
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
        #expect(try Snappy.decompress(WriteRequest.body(series)) == WriteRequest.protobuf(series))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }
}
