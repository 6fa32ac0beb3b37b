import Foundation
import Synchronization
import Testing
import TestSupport
import WebServer

/// SIGTERM as systemd and Kubernetes send it, to the binary in the middle of a run.
@Suite(.serialized) struct StopSequenceTests {
    /// A remote-write receiver on loopback: takes every request and notes when it came.
    final class Receiver: HTTPHandler {
        private let arrivals = Mutex<[Date]>([])

        func respond(to request: IncomingRequest) -> HTTPResponse {
            arrivals.withLock { $0.append(Date()) }
            return HTTPResponse(status: .ok)
        }

        var all: [Date] { arrivals.withLock { $0 } }
    }

    /// The collectors stop, the state is saved once, the remote-write queue (with the writes the
    /// stop queued) is flushed to the receiver, and the process exits 0 within its bound.
    @Test func sigtermDuringARunSavesOnceFlushesTheQueueAndExits0() throws {
        let receiver = Receiver()
        let configuration = HTTPServerConfiguration(listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), limits: HTTPParseLimits(maxBodyBytes: 8 << 20))
        let server = HTTPServer(configuration: configuration, handler: receiver)
        let receiverPort = try server.start()
        defer { server.stop(gracePeriod: 1) }
        // Every answer 300 ms late and 2 calls at once: the first run of 40 domains takes many seconds.
        let simulator = try ServingProcess(arguments: ["simulate", "--web.listen-address", "127.0.0.1:0", "--domain-count", "40", "--faults", "slow:300ms"])
        defer { _ = try? simulator.terminate() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state").path
        let agent = try ServingProcess(
            arguments: ["--web.listen-address", "127.0.0.1:0", "--aliyun.endpoint", "http://127.0.0.1:\(simulator.port)", "--state.file", state,
                        "--remote-write.url", "http://127.0.0.1:\(receiverPort)/api/v1/write", "--api.max-concurrency", "2", "--log.format", "json"],
            environment: ["ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSimulatorKeyId", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SimulatorSecretNotForProduction"])
        // In the middle of the first traffic run: some domains answered, the run not finished.
        let answered = #"aliyun_vod_exporter_api_requests_total{action="DescribeVodDomainTrafficData",result="ok"} "#
        BinaryTests.waitUntil {
            let body = (try? TestClient(port: agent.port).request("/metrics").text) ?? ""
            return body.split(separator: "\n").contains { $0.hasPrefix(answered) && (Double($0.dropFirst(answered.count)) ?? 0) >= 3 }
        }
        let body = try TestClient(port: agent.port).request("/metrics").text
        #expect(body.contains(answered) && !body.contains(#"aliyun_vod_exporter_collector_runs_total{collector="traffic"}"#), "a run in progress")

        let signalled = Date()
        #expect(try agent.terminate() == 0)
        let log = agent.standardError
        #expect(log.components(separatedBy: #""msg":"collectors stopped; state saved""#).count == 2, "saved once at stop")
        #expect(FileManager.default.fileExists(atPath: state))
        #expect(receiver.all.contains { $0 > signalled }, "the writes the stop queued were sent")
        let queued = (try? FileManager.default.contentsOfDirectory(atPath: state + ".remote-write")) ?? []
        #expect(!queued.contains { $0.hasSuffix(".rw") }, "the queue was flushed: \(queued)")
        #expect(!log.contains("did not stop within the bound") && log.contains(#""msg":"stopped listening""#))
        // In that order: the collectors, then the listener (the shipper flushed in between).
        let stopped = try #require(log.range(of: "collectors stopped")), closed = try #require(log.range(of: "stopped listening"))
        #expect(stopped.lowerBound < closed.lowerBound)
    }
}
