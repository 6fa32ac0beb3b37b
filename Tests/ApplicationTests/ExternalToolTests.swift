#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// The helper that runs real tools: a tool's early exit stays the tool's business.
@Suite struct ExternalToolTests {
    @Test func aToolThatExitsWithoutReadingItsInputDoesNotEndTheTestRun() throws {
        // 4 MB is more than a pipe holds: writing the rest fails once `true` has exited.
        let outcome = try ExternalTool.outcome("true", [], input: [UInt8](repeating: 65, count: 4 << 20))
        #expect(outcome.status == 0 && outcome.standardOutput.isEmpty)
        // And the guarantee behind it, whoever else set it: SIGPIPE is ignored in the test process.
        let previous = signal(SIGPIPE, SIG_IGN)
        #expect(unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self))
    }
}
