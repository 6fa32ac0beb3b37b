import Foundation

/// Runs a real tool installed on the machine (the test command installs what is missing).
/// A missing tool is a test failure, never a silent skip.
public enum ExternalTool {
    /// What a finished tool printed and how it exited.
    public struct Outcome: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// The absolute path of `name` on PATH, or nil.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `name` with `arguments`, feeding `input` on stdin; returns stdout.
    /// - Throws: `ToolMissing`, or `ToolFailed` (with its stderr) on a non-zero exit.
    public static func run(_ name: String, _ arguments: [String], input: [UInt8] = []) throws -> String {
        let outcome = try outcome(name, arguments, input: input)
        guard outcome.status == 0 else {
            throw ToolFailed(name: name, status: outcome.status, standardError: outcome.standardError)
        }
        return outcome.standardOutput
    }

    /// Runs `name` and returns its exit status and both outputs, whatever the status.
    public static func outcome(_ name: String, _ arguments: [String], input: [UInt8] = []) throws -> Outcome {
        guard let executable = find(name) else {
            throw ToolMissing(name: name)
        }
        return try outcome(executable: URL(fileURLWithPath: executable), arguments, input: input)
    }

    /// Runs `executable` (with `environment` when given) and returns its exit status and both
    /// outputs. Input is written and both outputs drained concurrently, so no pipe can fill up.
    public static func outcome(executable: URL, _ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil,
                               workingDirectory: URL? = nil) throws -> Outcome {
        _ = ignoresBrokenPipes
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        if let environment { process.environment = environment }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write and drain stderr from other threads so no pipe can fill up and deadlock.
        let writer = Thread {
            // A tool that exits without reading all of it is its own business: the write fails
            // with EPIPE instead of raising SIGPIPE.
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorOutput = ErrorCollector()
        let errorDone = DispatchSemaphore(value: 0)
        let errorReader = Thread {
            errorOutput.data = stderr.fileHandleForReading.readDataToEndOfFile()
            errorDone.signal()
        }
        errorReader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorDone.wait()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: errorOutput.data, as: UTF8.self)
        )
    }

    /// SIGPIPE ignored for the test process, once: a helper that exits before reading its input
    /// would otherwise end the whole test run (signal 13) and hide every other result.
    public static let ignoresBrokenPipes: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    private final class ErrorCollector: @unchecked Sendable {
        // Written by the reader thread before it signals; read only after the signal.
        var data = Data()
    }

    public struct ToolMissing: Error, CustomStringConvertible {
        public let name: String

        public init(name: String) {
            self.name = name
        }

        public var description: String { "\(name) is not installed; run scripts/test, which installs it" }
    }

    public struct ToolFailed: Error, CustomStringConvertible {
        public let name: String
        public let status: Int32
        public let standardError: String
        public var description: String { "\(name) exited with status \(status): \(standardError)" }
    }
}
