import FoundationEssentials
import HTTPClient
import Primitives
import Synchronization
import VODAPI
import WebServer

/// The simulated VOD API as an HTTP handler: the gateway's checks, the operations, the faults,
/// and a small control endpoint (`/-/simulator`, `/-/simulator/faults`).
public final class SimulatedVOD: HTTPHandler {
    public let configuration: SimulatorConfiguration
    private let clock: @Sendable () -> Int64
    private let gateway: Gateway
    private let data: DataOperations
    private let usage: UsageOperations
    private let model: TrafficModel
    private let account: AccountOperations
    private let faults: Mutex<FaultSet>
    private let random = Mutex(SplitMix64(seed: 0x5EED))
    private let requestCounter = Atomic<UInt64>(0)
    private let isStopping = Atomic<Bool>(false)

    /// - Parameter clock: seconds since the epoch (the `clock` fault shifts it).
    public init(configuration: SimulatorConfiguration, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.configuration = configuration
        self.clock = clock
        gateway = Gateway(configuration: configuration)
        let model = TrafficModel(spikingDomains: configuration.spikingDomains)
        self.model = model
        data = DataOperations(model: model, domains: configuration.domains)
        usage = UsageOperations(model: model, domains: configuration.domains)
        account = AccountOperations(domains: configuration.domains, tasks: CacheTasks(domains: configuration.domains, taskSeconds: configuration.taskSeconds), model: model,
                                    logs: LogFiles(model: model))
        faults = Mutex(configuration.faults)
    }

    /// The faults in force.
    public var currentFaults: FaultSet {
        get { faults.withLock { $0 } }
        set { faults.withLock { $0 = newValue } }
    }

    /// Ends any `hang` so the listener can stop.
    public func prepareToStop() {
        isStopping.store(true, ordering: .relaxed)
    }

    public func respond(to request: IncomingRequest) -> HTTPResponse {
        let path = request.head.path
        if path == "/-/healthy" { return .text(.ok, "Healthy.\n") }
        if path.hasPrefix("/-/simulator/logs/") { return logFile(request) }
        if path.hasPrefix("/-/simulator") { return control(request) }
        guard path == "/" else { return .text(.notFound, "The VOD API is served at /.\n") }
        guard let method = HTTPClient.HTTPMethod(rawValue: request.head.method), method == .get || method == .post else {
            return .text(.methodNotAllowed, "GET or POST.\n", headers: [("Allow", "GET, POST")])
        }
        let reply = answer(request, method: method)
        return render(reply)
    }

    // MARK: The API

    private func answer(_ request: IncomingRequest, method: HTTPClient.HTTPMethod) -> APIReply {
        let faults = faults.withLock { $0 }
        let now = clock() + faults.clockOffset
        let requestId = makeRequestId()
        // Blocking on purpose: these are the server's own Dispatch threads, and a slow or hung
        // API is what the fault imitates.
        if faults.slowSeconds > 0 { Pause.block(seconds: faults.slowSeconds) }
        if faults.hang {
            let deadline = ContinuousClock.now + .seconds(600)
            while self.faults.withLock({ $0.hang }) && !isStopping.load(ordering: .relaxed) && ContinuousClock.now < deadline {
                Pause.block(seconds: 0.05)
            }
        }
        if faults.rejectAuthentication {
            return .error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.", requestId: requestId)
        }
        if faults.errorWithOK {
            return .error(200, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.", requestId: requestId)
        }
        if roll() < faults.throttleShare {
            return .error(503, "Throttling", "Request was denied due to request throttling.", requestId: requestId,
                          headers: [("x-acs-retry-after", "1000"), ("x-ratelimit-user-api", "Limit:10,Remain:0,TimeLeft:1000,Reset:\(now + 1)")])
        }
        if roll() < faults.serverErrorShare {
            return .error(500, "InternalError", "The request processing has failed due to some unknown error.", requestId: requestId)
        }
        var headers = Dictionary(request.head.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        headers["host"] = headers["host"] ?? "vod.cn-shanghai.aliyuncs.com"
        let received = SignatureVerifier.Received(method: method, query: request.head.query, headers: headers, body: request.body)
        let signed: SignatureVerifier.SignedRequest
        switch gateway.admit(received, now: now) {
        case .success(let admitted): signed = admitted
        case .failure(let refusal): return .error(refusal.status, refusal.code, refusal.message, requestId: requestId)
        }
        do {
            return try operation(signed.action ?? "", signed.parameters, now: now, requestId: requestId, host: headers["host"] ?? "127.0.0.1",
                                 hidden: faults.hiddenDomains)
        } catch {
            return .error(error.status, error.code, error.message, requestId: requestId)
        }
    }

    private func operation(_ action: String, _ parameters: [String: String], now: Int64, requestId: String, host: String,
                           hidden: Set<String>) throws(APIReply.Refusal) -> APIReply {
        switch action {
        case _ where DataOperations.containers[action] != nil:
            return try data.respond(action, parameters, now: now, requestId: requestId)
        case "DescribeVodDomainRealTimeDetailData":
            return try data.realtime(parameters, now: now, requestId: requestId)
        case "DescribeVodDomainUsageData":
            return try usage.usage(parameters, now: now, requestId: requestId)
        case "DescribeVodDomainMax95BpsData":
            return try usage.max95(parameters, now: now, requestId: requestId)
        case "DescribeVodUserDomains":
            return try account.userDomains(parameters, hidden: hidden, requestId: requestId)
        case "DescribeVodRefreshQuota":
            return account.quota(now: now, requestId: requestId)
        case "DescribeVodRefreshTasks":
            return try account.refreshTasks(parameters, now: now, requestId: requestId)
        case "RefreshVodObjectCaches":
            return APIReply(body: ["RequestId": .string(requestId), "RefreshTaskId": .string(try account.tasks.submit(parameters, preload: false, now: now))])
        case "PreloadVodObjectCaches":
            return APIReply(body: ["RequestId": .string(requestId), "PreloadTaskId": .string(try account.tasks.submit(parameters, preload: true, now: now))])
        case "DescribeVodDomainLog":
            return try account.domainLog(parameters, now: now, requestId: requestId, host: host)
        default:
            throw APIReply.Refusal(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
        }
    }

    /// The reply as HTTP, with the body faults applied.
    private func render(_ reply: APIReply) -> HTTPResponse {
        let faults = faults.withLock { $0 }
        var reply = reply
        if faults.wrongTypes { reply.body = Self.breakTypes(reply.body) }
        if faults.absurdValues { reply.body = Self.absurd(reply.body) }
        var body = reply.encoded()
        if faults.malformed { body = Array("{not json".utf8) }
        if faults.truncate { body = Array(body.prefix(max(1, body.count / 2))) }
        let status = HTTPStatus(rawValue: reply.status) ?? (reply.status >= 500 ? .serviceUnavailable : .badRequest)
        return HTTPResponse(status: status, headers: [("Content-Type", "application/json;charset=utf-8")] + reply.headers, body: [body[...]])
    }

    /// Numbers-as-strings become objects: a type the client must refuse with a clear error.
    private static func breakTypes(_ value: [String: JSONValue]) -> [String: JSONValue] {
        replacingStrings(in: value) { key, text in key.hasSuffix("Value") || key == "DataInterval" ? ["unexpected": .string(text)] : nil }
    }

    /// Every data value becomes one no domain can produce, still well-formed.
    private static func absurd(_ value: [String: JSONValue]) -> [String: JSONValue] {
        replacingStrings(in: value) { key, text in key.hasSuffix("Value") && !text.isEmpty ? "1e308" : nil }
    }

    /// `value` with every string member for which `replacement(key, text)` gives a value
    /// replaced by it, in nested objects and in objects inside arrays too.
    private static func replacingStrings(in value: [String: JSONValue],
                                         _ replacement: (String, String) -> JSONValue?) -> [String: JSONValue] {
        value.reduce(into: [:]) { result, entry in
            switch entry.value {
            case .string(let text): result[entry.key] = replacement(entry.key, text) ?? entry.value
            case .object(let object): result[entry.key] = .object(replacingStrings(in: object, replacement))
            case .array(let list):
                result[entry.key] = .array(list.map { item in
                    if case .object(let object) = item { .object(replacingStrings(in: object, replacement)) } else { item }
                })
            default: result[entry.key] = entry.value
            }
        }
    }

    /// A number in `0..<1` from the top 53 bits.
    private func roll() -> Double {
        random.withLock { Double($0.next() >> 11) / Double(1 << 53) }
    }

    private func makeRequestId() -> String {
        let number = requestCounter.add(1, ordering: .relaxed).newValue
        let hex = String(number, radix: 16, uppercase: true)
        return "5F1D0C2A-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    // MARK: Log files

    /// A log file, whole or from a `Range: bytes=N-` offset (206), as OSS serves them.
    private func logFile(_ request: IncomingRequest) -> HTTPResponse {
        let name = String(request.head.path.dropFirst("/-/simulator/logs/".count))
        guard let (domain, hour) = LogFiles.parse(name), configuration.domains.contains(domain) else {
            return .text(.notFound, "NoSuchKey\n")
        }
        let content = account.logs.content(domain: domain, hour: hour)
        guard let range = request.head.header("range") else {
            return HTTPResponse(status: .ok, headers: [("Content-Type", "application/gzip")], body: [content[...]])
        }
        guard range.hasPrefix("bytes="), range.hasSuffix("-"), let start = Int(range.dropFirst(6).dropLast()), start >= 0 else {
            return .text(.badRequest, "only Range: bytes=N- is supported\n")
        }
        guard start < content.count else {
            return HTTPResponse(status: .rangeNotSatisfiable, headers: [("Content-Range", "bytes */\(content.count)")])
        }
        return HTTPResponse(status: .partialContent, headers: [
            ("Content-Type", "application/gzip"), ("Content-Range", "bytes \(start)-\(content.count - 1)/\(content.count)"),
        ], body: [content[start...]])
    }

    // MARK: Control

    private func control(_ request: IncomingRequest) -> HTTPResponse {
        let query = Dictionary((PercentEncoding.parsePairs(request.head.query, plusAsSpace: true) ?? []).map { ($0.key, $0.value) },
                               uniquingKeysWith: { _, last in last })
        if request.head.path == "/-/simulator/spike" && request.head.method == "POST" {
            if query["clear"] != nil {
                model.injectedSpikes.clear()
            } else if let domain = query["domain"], configuration.domains.contains(domain.lowercased()) {
                let factor = Double(query["factor"] ?? "6") ?? 6
                let since = Int64(query["since"] ?? "") ?? (clock() - 480)
                guard factor > 0, factor < 1000 else { return .text(.badRequest, "factor must be between 0 and 1000\n") }
                model.injectedSpikes.set(domain, since: since, factor: factor)
            } else {
                return .text(.badRequest, "POST /-/simulator/spike?domain=D[&factor=6][&since=EPOCH] (default since: 8 minutes ago) or ?clear\n")
            }
        } else if request.head.path == "/-/simulator/faults" && request.head.method == "POST" {
            if query["clear"] != nil {
                currentFaults = FaultSet()
            } else if let text = query["set"] {
                do {
                    currentFaults = try FaultSet(parsing: text)
                } catch {
                    return .text(.badRequest, "\(error.description)\n")
                }
            } else {
                return .text(.badRequest, "POST /-/simulator/faults?set=LIST or ?clear\n")
            }
        } else if request.head.method != "GET" {
            return .text(.methodNotAllowed, "GET, or POST to /-/simulator/faults.\n", headers: [("Allow", "GET, POST")])
        }
        let info: JSONValue = [
            "accessKeyId": .string(configuration.accessKeyId), "domains": JSONValue(configuration.domains),
            "spikingDomains": JSONValue(configuration.spikingDomains.sorted()), "faults": .string(currentFaults.description),
            "injectedSpikes": .string(model.injectedSpikes.description),
        ]
        return HTTPResponse(status: .ok, headers: [("Content-Type", "application/json")], body: [Array(info.serialized().utf8)[...]])
    }
}
