import Glibc
import HTTPClient
import VODAPI

/// Streams one file to disk, appending to what is already there (`Range: bytes=N-`), so an
/// interrupted download resumes instead of starting over. Bytes go to the file as they arrive:
/// log files can be larger than memory should hold.
struct LogDownloader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let transport: CurlTransport
    /// A download fails after this many seconds without progress (it has no overall deadline).
    let stallTimeout: Double

    /// Downloads `url` into `path`, continuing after its current length.
    /// - Parameter progress: called about four times a second with the file's length, and once
    ///   at the end; never twice at once.
    /// - Returns: the file's length afterwards.
    func download(_ url: String, to path: String, progress: @escaping @Sendable (Int64) -> Void) async throws(Failure) -> Int64 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let offset = Self.length(of: descriptor)
        var headers = HTTPHeaders()
        if offset > 0 { headers.set("Range", "bytes=\(offset)-") }
        let reporter = Task {
            while !Task.isCancelled {
                progress(Self.length(of: descriptor))
                try? await Task.sleep(nanoseconds: 250_000_000)
            }
        }
        let answer: Result<TransportResponse, TransportError>
        do {
            answer = .success(try await transport.download(HTTPRequest(method: .get, url: url, headers: headers), into: descriptor,
                                                           stallTimeout: stallTimeout))
        } catch {
            answer = .failure(error)
        }
        // Finished before the descriptor closes, so it never reads a reused one.
        reporter.cancel()
        await reporter.value
        progress(Self.length(of: descriptor))
        let status: Int
        switch answer {
        case .success(let response): status = response.status
        case .failure(let error): throw Failure(description: error.detail)
        }
        // 416: nothing after `offset` to send (the caller compares the length with the listing).
        guard status == 200 || status == 206 || status == 416 else { throw Failure(description: "HTTP \(status)") }
        return Self.length(of: descriptor)
    }

    private static func length(of descriptor: Int32) -> Int64 {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? Int64(status.st_size) : 0
    }
}
