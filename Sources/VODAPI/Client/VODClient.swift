import FoundationEssentials
import HTTPClient
import Primitives

/// The VOD API client: validates, rate-limits, signs, sends, retries and decodes.
///
/// One client is shared by every caller in the process; its ``RequestGate`` bounds the call
/// rate and the calls in flight for all of them.
public final class VODClient: Sendable {
    public let configuration: VODClientConfiguration
    public let credentials: any CredentialsProvider
    private let transport: any HTTPTransport
    private let gate: RequestGate
    private let time: any TimeSource
    private let nonce: @Sendable () throws(SystemRandom.Unavailable) -> String
    private let jitter: @Sendable () -> Double
    private let observe: @Sendable (RequestRecord) -> Void
    private let onRetry: @Sendable (RetryNotice) -> Void

    /// - Parameters:
    ///   - nonce: a unique value per request: a random UUID from the system's random source by
    ///     default; without randomness the call fails instead of being signed.
    ///   - jitter: a random number in `0..<1` for backoff.
    ///   - observe: called after every attempt (metrics, logs).
    ///   - onRetry: called before each wait for a retry (the operator commands show it).
    public init(
        configuration: VODClientConfiguration, credentials: any CredentialsProvider, transport: any HTTPTransport,
        gate: RequestGate, time: any TimeSource = SystemTimeSource(),
        nonce: @escaping @Sendable () throws(SystemRandom.Unavailable) -> String = NonceSource.system.next,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observe: @escaping @Sendable (RequestRecord) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.credentials = credentials
        self.transport = transport
        self.gate = gate
        self.time = time
        self.nonce = nonce
        self.jitter = jitter
        self.observe = observe
        self.onRetry = onRetry
    }

    /// Runs `operation` and returns its decoded answer.
    /// - Throws: ``VODClientError``; nothing else.
    public func call<Operation: VODOperation>(_ operation: Operation) async throws(VODClientError) -> Operation.Response {
        let request: RPCRequest
        do {
            request = try operation.rpcRequest()
        } catch {
            throw .invalidRequest(error)
        }
        var attempt = 1
        while true {
            let outcome = await attemptOnce(request, lane: operation.lane, decode: Operation.decodeResponse, attempt: attempt)
            switch outcome {
            case .success(let response):
                return response
            case .failure(let error):
                if case .api(_, let apiError) = error, apiError.category == .throttled {
                    await gate.pause(for: apiError.retryAfter ?? configuration.throttlePause)
                }
                guard
                    let delay = configuration.retryPolicy.delay(
                        afterAttempt: attempt, error: error, consumesQuota: operation.consumesQuota, jitter: jitter())
                else { throw error }
                onRetry(RetryNotice(action: request.action, failedAttempt: attempt, maxAttempts: configuration.retryPolicy.maxAttempts,
                                    reason: error.apiError.map { "\(error.resultLabel) \($0.code)" } ?? error.resultLabel, wait: delay))
                do {
                    try await time.sleep(seconds: delay)
                } catch {
                    throw .transport(action: request.action, TransportError(kind: .cancelled, detail: "cancelled while waiting to retry"))
                }
                attempt += 1
            }
        }
    }

    /// Every domain of the account (all pages), optionally only those in `status`.
    public func allUserDomains(status: DescribeVodUserDomains.DomainStatus? = nil) async throws(VODClientError) -> [DescribeVodUserDomains.Domain] {
        var domains: [DescribeVodUserDomains.Domain] = []
        var seen = Set<String>()
        var page = 1
        while true {
            let answer = try await call(
                DescribeVodUserDomains(pageSize: DescribeVodUserDomains.maxPageSize, pageNumber: page, domainStatus: status))
            let fresh = answer.domains.filter { seen.insert($0.name).inserted }
            domains += fresh
            // Stop on an empty page, a page with nothing new (a server that ignores
            // PageNumber), or once TotalCount is reached.
            if answer.domains.isEmpty || fresh.isEmpty || domains.count >= answer.totalCount { return domains }
            page += 1
        }
    }

    private func attemptOnce<Response>(
        _ request: RPCRequest, lane: RequestGate.Lane, decode: (JSONCursor) throws(ResponseDecodingError) -> Response, attempt: Int
    ) async -> Result<Response, VODClientError> {
        let action = request.action
        let current: Credentials
        do {
            current = try await credentials.credentials()
        } catch let error as CredentialsError {
            return .failure(.credentials(error))
        } catch {
            return .failure(.credentials(CredentialsError(source: credentials.sourceDescription, problem: "\(error)")))
        }
        let signer = RequestSigner(
            version: configuration.signatureVersion, endpoint: configuration.endpoint, userAgent: configuration.userAgent)
        let timeout = configuration.requestTimeout
        let transport = self.transport
        let time = self.time
        let nonce = self.nonce
        let sent: (Result<TransportResponse, TransportError>, Double)
        do {
            sent = try await gate.withPermit(lane: lane) { @Sendable in
                let signature: String
                do throws(SystemRandom.Unavailable) {
                    signature = try nonce()
                } catch {
                    return (.failure(TransportError(kind: .invalidRequest, detail: "not signed: \(error.description)")), 0)
                }
                let signed = signer.sign(request, credentials: current, epochSeconds: Int64(time.now()), nonce: signature)
                let started = time.monotonic()
                do throws(TransportError) {
                    let response = try await transport.send(signed, timeout: timeout)
                    return (.success(response), time.monotonic() - started)
                } catch {
                    return (.failure(error), time.monotonic() - started)
                }
            }
        } catch {
            return .failure(.transport(action: action, TransportError(kind: .cancelled, detail: "cancelled while waiting for the rate limit")))
        }
        let result = Self.interpret(sent.0, action: action, decode: decode, secrets: current)
        observe(RequestRecord(action: action, result: result.label, duration: sent.1, attempt: attempt, requestId: result.requestId,
                              domains: request.parameters["DomainName"]))
        return result.outcome
    }

    /// Turns a transport outcome into a decoded answer or a client error. Any secret the
    /// server echoes back is scrubbed from the error text.
    ///
    /// A 2xx answer whose body is an error envelope (a top-level `Code` other than a success
    /// code) is an API error too: some gateways answer errors with status 200, and decoding
    /// such a body as data would read every missing bucket as zero.
    static func interpret<Response>(
        _ sent: Result<TransportResponse, TransportError>, action: String,
        decode: (JSONCursor) throws(ResponseDecodingError) -> Response, secrets: Credentials
    ) -> (outcome: Result<Response, VODClientError>, label: String, requestId: String?) {
        func failed(_ error: VODClientError, requestId: String? = nil) -> (Result<Response, VODClientError>, String, String?) {
            (.failure(error), error.resultLabel, error.apiError?.requestId ?? requestId)
        }
        func apiError(_ response: TransportResponse) -> VODClientError {
            let parsed = APIErrorParser.parse(response)
            let scrubbed = APIError(
                status: parsed.status, code: parsed.code, message: Redaction.scrub(parsed.message, secrets: secrets),
                requestId: parsed.requestId, hostId: parsed.hostId, recommend: parsed.recommend, retryAfter: parsed.retryAfter)
            return .api(action: action, scrubbed)
        }
        let response: TransportResponse
        switch sent {
        case .failure(let error): return failed(.transport(action: action, error))
        case .success(let value): response = value
        }
        guard (200..<300).contains(response.status) else { return failed(apiError(response)) }
        let body: JSONValue
        do {
            body = try JSONValue.parse(response.body)
        } catch {
            return failed(.decoding(action: action, requestId: nil, error))
        }
        let cursor = JSONCursor(body)
        let requestId = (try? cursor.optionalString("RequestId")) ?? nil
        if let code = (try? cursor.optionalString("Code")) ?? nil, !code.isEmpty, !Self.successCodes.contains(code) {
            return failed(apiError(response))
        }
        do {
            return (.success(try decode(cursor)), "ok", requestId)
        } catch {
            return failed(.decoding(action: action, requestId: requestId, error), requestId: requestId)
        }
    }

    /// `Code` values that gateways put in successful answers.
    static let successCodes: Set<String> = ["200", "OK", "Ok", "ok", "Success", "success", "0"]
}

/// Removes known secret values from text that came from elsewhere (server messages), because a
/// server may echo what it was sent.
public enum Redaction {
    /// `text` with the secret and token of `secrets` replaced by `<redacted>`.
    public static func scrub(_ text: String, secrets: Credentials) -> String {
        scrub(text, values: [secrets.accessKeySecret, secrets.securityToken ?? ""])
    }

    /// `text` with each of `values` (as is and percent-encoded) replaced by `<redacted>`.
    public static func scrub(_ text: String, values: [String]) -> String {
        var result = text
        for secret in values where secret.count >= 4 {
            result = result.replacing(secret, with: "<redacted>")
            let encoded = PercentEncoding.encode(secret)
            if encoded != secret { result = result.replacing(encoded, with: "<redacted>") }
        }
        return result
    }
}
