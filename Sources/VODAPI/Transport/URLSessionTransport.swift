import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real transport: one long-lived `URLSession` (libcurl on Linux) with an overall
/// per-request deadline and a cap on the response size.
///
/// Linux ignores `timeoutIntervalForResource`, so the deadline is enforced here by racing the
/// task against a timer and cancelling it. The body is collected through a delegate so an
/// oversized answer is cut off while it streams in, not after it has filled memory.
public final class URLSessionTransport: HTTPTransport {
    /// Answers larger than this many bytes fail with ``TransportError/Kind/responseTooLarge``.
    public let maxResponseBytes: Int
    private let session: URLSession
    private let router: TaskRouter

    public init(maxResponseBytes: Int = 32 * 1024 * 1024) {
        self.maxResponseBytes = maxResponseBytes
        let router = TaskRouter()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpMaximumConnectionsPerHost = 16
        self.router = router
        self.session = URLSession(configuration: configuration, delegate: router, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Lets in-flight requests finish, then releases the session.
    public func shutdown() {
        session.finishTasksAndInvalidate()
    }

    public func send(_ request: HTTPRequest, timeout: Double) async throws(TransportError) -> HTTPResponse {
        guard let url = URL(string: request.url) else {
            throw TransportError(kind: .invalidRequest, detail: "not a valid URL")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method.rawValue
        // libcurl's own timer works in whole seconds (a sub-second value times out at once), so
        // it is only a backstop; the exact deadline is the timer below.
        urlRequest.timeoutInterval = max(1, timeout.rounded(.up) + 1)
        for field in request.headers {
            urlRequest.setValue(field.value, forHTTPHeaderField: field.name)
        }
        if !request.body.isEmpty || request.method != .get {
            urlRequest.httpBody = Data(request.body)
        }
        let task = session.dataTask(with: urlRequest)
        let limit = maxResponseBytes
        let router = self.router
        let outcome: Result<HTTPResponse, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // The overall deadline: libcurl's own timeout is per inactivity, not total. The
                // timer is cancelled as soon as the answer is in, so fast answers leave nothing
                // behind (thousands of calls a cycle must not pile up timers for `timeout`).
                let identifier = task.taskIdentifier
                let timer = DeadlineTimer(after: max(timeout, 0.001)) { [weak task] in
                    router.fail(taskIdentifier: identifier, with: TransportError(kind: .timedOut, detail: "no complete answer within \(timeout) s"))
                    task?.cancel()
                }
                router.register(task: task, limit: limit, timer: timer, continuation: continuation)
                timer.start()
                task.resume()
            }
        } onCancel: {
            router.fail(taskIdentifier: task.taskIdentifier, with: TransportError(kind: .cancelled, detail: "the request was cancelled"))
            task.cancel()
        }
        return try outcome.get()
    }
}

/// Routes delegate callbacks to the waiting request, one entry per task.
private final class TaskRouter: NSObject, URLSessionDataDelegate, Sendable {
    private struct Pending {
        var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>
        var limit: Int
        var timer: DeadlineTimer
        var body: [UInt8] = []
        var response: HTTPURLResponse?
    }

    private let pending = Mutex<[Int: Pending]>([:])

    func register(task: URLSessionTask, limit: Int, timer: DeadlineTimer,
                  continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) {
        pending.withLock { $0[task.taskIdentifier] = Pending(continuation: continuation, limit: limit, timer: timer) }
    }

    /// Ends the request with `error` unless it has already ended.
    func fail(taskIdentifier: Int, with error: TransportError) {
        guard let entry = take(taskIdentifier) else { return }
        entry.continuation.resume(returning: .failure(error))
    }

    /// Removes a request's entry and stops its deadline timer.
    private func take(_ taskIdentifier: Int) -> Pending? {
        let entry = pending.withLock { $0.removeValue(forKey: taskIdentifier) }
        entry?.timer.cancel()
        return entry
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        pending.withLock { $0[dataTask.taskIdentifier]?.response = http }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let overflow: Bool = pending.withLock { table in
            guard var entry = table[dataTask.taskIdentifier] else { return false }
            if entry.body.count + data.count > entry.limit { return true }
            entry.body.append(contentsOf: data)
            table[dataTask.taskIdentifier] = entry
            return false
        }
        if overflow {
            fail(taskIdentifier: dataTask.taskIdentifier, with: TransportError(kind: .responseTooLarge, detail: "the answer exceeds the response size cap"))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let entry = take(task.taskIdentifier) else { return }
        if let error {
            entry.continuation.resume(returning: .failure(TaskRouter.classify(error)))
            return
        }
        guard let response = entry.response ?? (task.response as? HTTPURLResponse) else {
            entry.continuation.resume(returning: .failure(TransportError(kind: .other, detail: "no HTTP response")))
            return
        }
        var headers = HTTPHeaders()
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers.set(name, value) }
        }
        entry.continuation.resume(returning: .success(HTTPResponse(status: response.statusCode, headers: headers, body: entry.body)))
    }

    /// Maps URL loading errors to the client's kinds; the detail names the code only.
    static func classify(_ error: any Error) -> TransportError {
        let code = (error as? URLError)?.code.rawValue ?? (error as NSError).code
        let kind: TransportError.Kind
        switch code {
        case NSURLErrorCannotConnectToHost, NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed,
            NSURLErrorNotConnectedToInternet:
            kind = .connectFailed
        case NSURLErrorTimedOut:
            kind = .timedOut
        case NSURLErrorNetworkConnectionLost:
            kind = .connectionLost
        case NSURLErrorCancelled:
            kind = .cancelled
        case NSURLErrorBadURL, NSURLErrorUnsupportedURL:
            kind = .invalidRequest
        default:
            kind = .other
        }
        return TransportError(kind: kind, detail: "URL loading error \(code)")
    }
}

/// A one-shot Dispatch timer that can be cancelled, releasing its handler at once.
///
/// - Important: `@unchecked Sendable`: it only wraps a Dispatch source, which is thread-safe.
private final class DeadlineTimer: @unchecked Sendable {
    private let source: any DispatchSourceTimer

    init(after seconds: Double, handler: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeTimerSource(queue: .global())
        source.setEventHandler(handler: handler)
        source.schedule(deadline: .now() + .nanoseconds(Int(seconds * 1e9)))
    }

    func start() {
        source.resume()
    }

    func cancel() {
        source.cancel()
    }
}
