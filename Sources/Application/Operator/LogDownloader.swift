import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Streams one file to disk, appending to what is already there (`Range: bytes=N-`), so an
/// interrupted download resumes instead of starting over. Bytes go to the file as they arrive:
/// log files can be larger than memory should hold.
final class LogDownloader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // `@unchecked`: the mutable state below is touched only by URLSession's serial delegate
    // queue while one download runs, and read after it completes.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private var handle: FileHandle?
    private var written: Int64 = 0
    private var status = 0
    private var continuation: CheckedContinuation<Int64, any Error>?
    private var progress: ((Int64) -> Void)?
    private var failure: (any Error)?

    /// Downloads `url` into `path`, continuing after its current length.
    /// - Returns: the file's length afterwards.
    func download(_ url: URL, to path: String, timeout: Double, progress: @escaping (Int64) -> Void) async throws -> Int64 {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw Failure(description: "cannot create \(path)") }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw Failure(description: "cannot write \(path)") }
        defer { try? handle.close() }
        let offset = Int64(try handle.seekToEnd())
        self.handle = handle
        self.written = offset
        self.progress = progress
        var request = URLRequest(url: url, timeoutInterval: timeout)
        if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            self.continuation = continuation
            session.dataTask(with: request).resume()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status == 200 && written > 0 {
            // The server ignored the range: start the file over.
            handle?.truncateFile(atOffset: 0)
            written = 0
        }
        if status == 416 {
            completionHandler(.cancel)  // nothing left to fetch: the caller checks the size
            return
        }
        guard status == 200 || status == 206 else {
            failure = Failure(description: "HTTP \(status)")
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        do {
            try handle?.write(contentsOf: data)
            written += Int64(data.count)
            progress?(written)
        } catch {
            failure = error
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let failure {
            continuation?.resume(throwing: failure)
        } else if let error, status != 416 {
            continuation?.resume(throwing: Failure(description: error.localizedDescription))
        } else {
            continuation?.resume(returning: written)
        }
        continuation = nil
    }
}
