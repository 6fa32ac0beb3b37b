import Foundation
import HTTPClient
import Simulator
import Testing
import TestSupport
import VODAPI
import WebServer

/// The simulator on a real socket, called by the project's own client over URLSession.
@Suite(.serialized) struct SimulatorTests {
    final class Running: Sendable {
        let server: SimulatorServer
        let configuration = SimulatorConfiguration()

        /// - Parameter frozenAt: a clock that stands still, for tests whose calls must see the same
        ///   buckets however long they take.
        init(faults: String = "", frozenAt: Int64? = nil) throws {
            var configuration = configuration
            configuration.faults = try FaultSet(parsing: faults)
            let clock: (@Sendable () -> Int64)? = frozenAt.map { instant in { @Sendable in instant } }
            server = SimulatorServer(configuration: configuration, listenAddress: try ListenAddress(parsing: "127.0.0.1:0"), clock: clock)
            try server.start()
        }

        func client(_ version: SignatureVersion = .v3, secret: String? = nil, keyId: String? = nil, attempts: Int = 1) throws -> VODClient {
            VODClient(
                configuration: VODClientConfiguration(endpoint: try Endpoint(parsing: server.endpoint), signatureVersion: version, requestTimeout: 5,
                                                      retryPolicy: RetryPolicy(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.05)),
                credentials: StaticCredentialsProvider(Credentials(accessKeyId: keyId ?? configuration.accessKeyId,
                                                                   accessKeySecret: secret ?? configuration.accessKeySecret), sourceDescription: "test"),
                transport: StandardTransport.make(), gate: RequestGate(maxQPS: 1000, burst: 1000, maxConcurrent: 16))
        }

        func stop() { server.stop() }
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    @Test(arguments: [SignatureVersion.v3, .v2])
    func everySeedOperationAnswers(version: SignatureVersion) async throws {
        // One instant for the whole test: traffic and bandwidth must see the same settled buckets
        // even when a bucket boundary passes between the two calls.
        let now = Self.now
        let running = try Running(frozenAt: now)
        defer { running.stop() }
        let client = try running.client(version)
        let end = now / 300 * 300
        let query = DomainDataQuery(domainNames: ["video.example.com"], startTime: end - 3600, endTime: end, interval: .fiveMinutes)
        let traffic = try await client.call(DescribeVodDomainTrafficData(query: query))
        #expect(traffic.dataInterval == 300)
        // The delay model: the newest buckets are not there yet.
        #expect(traffic.slots.count >= 9 && traffic.slots.count <= 11)
        #expect(traffic.slots.allSatisfy { ($0.domesticValue ?? 0) + ($0.overseasValue ?? 0) == $0.value })
        let bps = try await client.call(DescribeVodDomainBpsData(query: query))
        #expect(bps.slots.count == traffic.slots.count)
        let submitted = try await client.call(RefreshVodObjectCaches(objectPaths: ["https://video.example.com/a.mp4"], objectType: .file))
        #expect(!submitted.taskIds.isEmpty)
        let preload = try await client.call(PreloadVodObjectCaches(objectPaths: ["https://video.example.com/b.mp4"]))
        #expect(!preload.taskIds.isEmpty)
        let tasks = try await client.call(DescribeVodRefreshTasks(objectType: .file))
        #expect(tasks.tasks.contains { $0.taskId == submitted.taskIds[0] && $0.status == "Refreshing" })
        let quota = try await client.call(DescribeVodRefreshQuota())
        #expect(quota.url.quota == 2000 && quota.url.remaining == 1999 && quota.preload.remaining == 499)
        let logs = try await client.call(DescribeVodDomainLog(domainName: "video.example.com", startTime: end - 6 * 3600, endTime: end))
        #expect(logs.files.count >= 4 && logs.files.allSatisfy { $0.url.hasPrefix("http://127.0.0.1:") && $0.url.contains("/-/simulator/logs/") })
        let domains = try await client.allUserDomains(status: .online)
        #expect(domains.map(\.name) == running.configuration.domains)
    }

    @Test func optionalCollectorOperations() async throws {
        let running = try Running()
        defer { running.stop() }
        let client = try running.client()
        let end = Self.now / 300 * 300
        let query = DomainDataQuery(domainNames: ["live.example.com"], startTime: end - 3600, endTime: end, interval: .fiveMinutes)
        #expect(try await client.call(DescribeVodDomainSrcTrafficData(query: query)).slots.count > 5)
        #expect(try await client.call(DescribeVodDomainHitRateData(query: query)).slots.allSatisfy { ($0.value ?? 0) > 80 && ($0.value ?? 0) <= 100 })
        let qps = try await client.call(DescribeVodDomainQpsData(query: query))
        #expect(qps.slots.allSatisfy { ($0.requests.value ?? 0) > 0 })
        let realtime = try await client.call(DescribeVodDomainRealTimeDetailData(
            domainNames: ["live.example.com", "video.example.com"], startTime: end - 600, endTime: end, merge: false, mergeLocIsp: true))
        #expect(Set(realtime.records.map(\.domainName)) == ["live.example.com", "video.example.com"])
        #expect(realtime.records.allSatisfy { ($0.httpCodes["200"] ?? 0) > 0 && ($0.bps ?? 0) > 0 })
    }

    @Test func multiDomainRequestsAreSummed() async throws {
        let running = try Running()
        defer { running.stop() }
        let client = try running.client()
        let end = Self.now / 300 * 300 - 1800
        func total(_ domains: [String]) async throws -> Double {
            try await client.call(DescribeVodDomainTrafficData(query: DomainDataQuery(domainNames: domains, startTime: end - 900, endTime: end, interval: .fiveMinutes)))
                .slots.reduce(0) { $0 + ($1.value ?? 0) }
        }
        let a = try await total(["video.example.com"]), b = try await total(["cdn.example.net"])
        #expect(try await total(["video.example.com", "cdn.example.net"]) == a + b)
    }

    @Test func intervalsAreCoercedBySpan() async throws {
        let running = try Running()
        defer { running.stop() }
        let client = try running.client()
        let end = Self.now / 86_400 * 86_400
        let week = try await client.call(DescribeVodDomainTrafficData(query: DomainDataQuery(
            domainNames: ["video.example.com"], startTime: end - 5 * 86_400, endTime: end, interval: .fiveMinutes)))
        #expect(week.dataInterval == 3600)
    }

    @Test func gatewayRefusals() async throws {
        let running = try Running()
        defer { running.stop() }
        func code(_ client: VODClient) async -> String? {
            do {
                _ = try await client.call(DescribeVodRefreshQuota())
                return nil
            } catch {
                return error.apiError?.code
            }
        }
        #expect(await code(try running.client(secret: "wrong")) == "SignatureDoesNotMatch")
        #expect(await code(try running.client(.v2, secret: "wrong")) == "SignatureDoesNotMatch")
        #expect(await code(try running.client(keyId: "LTAIunknown")) == "InvalidAccessKeyId.NotFound")
        running.server.api.currentFaults = try FaultSet(parsing: "clock:+1h")
        #expect(await code(try running.client()) == "InvalidTimeStamp.Expired")
        running.server.api.currentFaults = FaultSet()
        #expect(await code(try running.client()) == nil)
    }

    @Test func reusedNoncesAreRefused() async throws {
        let running = try Running()
        defer { running.stop() }
        let signer = RequestSigner(version: .v3, endpoint: try Endpoint(parsing: running.server.endpoint))
        let request = signer.sign(RPCRequest(action: "DescribeVodRefreshQuota", version: "2017-03-21"),
                                  credentials: Credentials(accessKeyId: running.configuration.accessKeyId, accessKeySecret: running.configuration.accessKeySecret),
                                  epochSeconds: Self.now, nonce: "same-nonce")
        let transport = StandardTransport.make()
        #expect(try await transport.send(request, timeout: 5).status == 200)
        let again = try await transport.send(request, timeout: 5)
        #expect(again.status == 400 && String(decoding: again.body, as: UTF8.self).contains("SignatureNonceUsed"))
        var wrongVersion = signer.sign(RPCRequest(action: "DescribeVodRefreshQuota", version: "2014-05-26"),
                                       credentials: Credentials(accessKeyId: running.configuration.accessKeyId, accessKeySecret: running.configuration.accessKeySecret),
                                       epochSeconds: Self.now, nonce: "other")
        wrongVersion.headers.set("x-unused", "1")
        #expect(String(decoding: try await transport.send(wrongVersion, timeout: 5).body, as: UTF8.self).contains("InvalidVersion"))
    }

    @Test func parameterRules() async throws {
        let running = try Running()
        defer { running.stop() }
        let client = try running.client()
        func code<Operation: VODOperation>(_ operation: Operation) async -> String? {
            do {
                _ = try await client.call(operation)
                return nil
            } catch {
                return error.apiError?.code ?? error.resultLabel
            }
        }
        let old = Self.now - 100 * 86_400
        #expect(await code(DescribeVodDomainTrafficData(query: DomainDataQuery(startTime: old, endTime: old + 3600))) == "InvalidStartTime.ValueNotSupported")
        #expect(await code(RefreshVodObjectCaches(objectPaths: ["https://not-mine.example/x"], objectType: .file)) == "InvalidDomain.NotFound")
        #expect(await code(DescribeVodDomainLog(domainName: "video.example.com", pageSize: 5000)) != nil)
    }

    @Test(arguments: ["throttle", "5xx", "truncate", "malformed", "types", "auth"])
    func faultsSurfaceAsTypedErrors(fault: String) async throws {
        let running = try Running(faults: fault)
        defer { running.stop() }
        let client = try running.client()
        do {
            _ = try await client.call(DescribeVodDomainTrafficData(query: DomainDataQuery(domainNames: ["video.example.com"])))
            Issue.record("\(fault): no error")
        } catch {
            let expected = ["throttle": "throttled", "5xx": "server_error", "truncate": "decode_error", "malformed": "decode_error",
                            "types": "decode_error", "auth": "auth_error"][fault]
            #expect(error.resultLabel == expected, "\(fault): \(error)")
        }
        // The control endpoint clears the fault at run time.
        let control = try TestClient(port: UInt16(running.server.endpoint.split(separator: ":").last!)!)
        #expect(try control.request("/-/simulator/faults?clear", method: "POST").status == 200)
        _ = try await client.call(DescribeVodDomainTrafficData(query: DomainDataQuery(domainNames: ["video.example.com"])))
    }

    @Test func slowAndHangingAnswersHitTheClientDeadline() async throws {
        let running = try Running(faults: "hang")
        defer { running.stop() }
        let client = VODClient(
            configuration: VODClientConfiguration(endpoint: try Endpoint(parsing: running.server.endpoint), requestTimeout: 0.5,
                                                  retryPolicy: RetryPolicy(maxAttempts: 1)),
            credentials: StaticCredentialsProvider(Credentials(accessKeyId: running.configuration.accessKeyId, accessKeySecret: running.configuration.accessKeySecret), sourceDescription: "t"),
            transport: StandardTransport.make(), gate: RequestGate(maxQPS: 100, burst: 100, maxConcurrent: 4))
        do {
            _ = try await client.call(DescribeVodRefreshQuota())
            Issue.record("no timeout")
        } catch {
            #expect(error.resultLabel == "transport_error")
        }
        running.server.api.currentFaults = FaultSet()
    }

    @Test func faultTextRoundTrip() throws {
        let faults = try FaultSet(parsing: "throttle:0.5, 5xx:0.1,slow:250ms,clock:-20m,truncate")
        #expect(faults.throttleShare == 0.5 && faults.serverErrorShare == 0.1 && faults.slowSeconds == 0.25 && faults.clockOffset == -1200 && faults.truncate)
        #expect(throws: FaultSet.ParseError.self) { try FaultSet(parsing: "explode") }
        #expect(throws: FaultSet.ParseError.self) { try FaultSet(parsing: "throttle:2") }
        #expect(try FaultSet(parsing: "").description == "none")
        let hidden = try FaultSet(parsing: "hide:B.example.com,hide:a.example.com")
        #expect(hidden.hiddenDomains == ["a.example.com", "b.example.com"] && hidden.description == "hide:a.example.com,hide:b.example.com")
        #expect(throws: FaultSet.ParseError.self) { try FaultSet(parsing: "hide") }
    }
}
