import Crypto
import Dispatch
import Glibc
import Logging
import Primitives
import Synchronization
import Testing
@testable import WebServer

/// Password checks that a flood cannot turn against the listener: answers remembered apart,
/// keys that cannot be forged by moving text, and a bounded number of bcrypt checks at once.
@Suite struct PasswordVerifierTests {
    static let hash = try! BCrypt.Hash(parsing: BCrypt.hash(Array("right".utf8), salt: Array(repeating: 3, count: 16), cost: 4))
    static let users = ["alice": hash]

    static func header(_ user: String, _ password: String) -> String {
        "Basic " + Base64.encode(Array("\(user):\(password)".utf8))
    }

    /// Counts bcrypt's checks.
    final class Counter: Sendable {
        let calls = Mutex(0)
        var count: Int { calls.withLock { $0 } }
    }

    @Test func answersAreRememberedApartAndFloodsDoNotEvictSuccesses() {
        let counter = Counter()
        let changed = try! BCrypt.Hash(parsing: BCrypt.hash(Array("new".utf8), salt: Array(repeating: 4, count: 16), cost: 4))
        // bcrypt itself is tested against published vectors; here only which checks reach it counts.
        let verifier = PasswordVerifier { password, hash in
            counter.calls.withLock { $0 += 1 }
            return (hash == Self.hash && password == Array("right".utf8)) || (hash == changed && password == Array("new".utf8))
        }
        #expect(verifier.check(Self.header("alice", "right"), users: Self.users) == .authorized)
        #expect(verifier.check(Self.header("alice", "wrong"), users: Self.users) == .refused)
        #expect(verifier.check(Self.header("alice", "wrong"), users: Self.users) == .refused)
        #expect(verifier.check(Self.header("alice", "right"), users: Self.users) == .authorized)
        #expect(counter.count == 2, "one bcrypt check per distinct answer")
        // A flood of distinct wrong passwords, more than the failures remembered.
        for index in 0..<(PasswordVerifier.failureLimit + 10) {
            _ = verifier.check(Self.header("mallory\(index)", "x"), users: Self.users)
        }
        let before = counter.count
        #expect(verifier.check(Self.header("alice", "right"), users: Self.users) == .authorized)
        #expect(counter.count == before, "the success is still remembered")
        // A changed password is another key: never answered from memory.
        #expect(verifier.check(Self.header("alice", "right"), users: ["alice": changed]) == .refused)
        #expect(verifier.check(Self.header("alice", "new"), users: ["alice": changed]) == .authorized)
    }

    @Test func keysCannotBeForgedByMovingText() {
        let identity = String(decoding: Self.hash.identity, as: UTF8.self)
        let keys = [
            PasswordVerifier.key(username: "alice", password: Array("right".utf8), hash: Self.hash),
            PasswordVerifier.key(username: "alice" + identity, password: Array("right".utf8), hash: nil),
            PasswordVerifier.key(username: "alice", password: Array((identity + "right").utf8), hash: Self.hash),
            PasswordVerifier.key(username: "alic", password: Array("eright".utf8), hash: Self.hash),
            PasswordVerifier.key(username: "alice", password: Array("right".utf8), hash: nil),
        ]
        #expect(Set(keys).count == keys.count)
    }

    /// While two checks are hashing, a third new one is answered `busy` at once; remembered
    /// answers are given as usual. (The slow checks run on Dispatch threads, as connections do.)
    @Test func aBoundedNumberOfChecksHashAtOnce() {
        let release = Mutex(false)
        let started = Counter()
        let verifier = PasswordVerifier { password, hash in
            started.calls.withLock { $0 += 1 }
            while !release.withLock({ $0 }) { usleep(1000) }
            return BCrypt.verify(password, against: hash)
        }
        // Remember the right password first (released at once).
        release.withLock { $0 = true }
        #expect(verifier.check(Self.header("alice", "right"), users: Self.users) == .authorized)
        release.withLock { $0 = false }
        let verdicts = Mutex<[PasswordVerifier.Verdict]>([])
        let group = DispatchGroup()
        for index in 0..<PasswordVerifier.maxHashing {
            DispatchQueue.global().async(group: group) {
                let verdict = verifier.check(Self.header("alice", "wrong\(index)"), users: Self.users)
                verdicts.withLock { $0.append(verdict) }
            }
        }
        // One hashes, one waits for it: the room is full.
        while verifier.checksInProgress < PasswordVerifier.maxHashing || started.count < 2 { usleep(1000) }
        #expect(verifier.check(Self.header("alice", "wrong-more"), users: Self.users) == .busy)
        #expect(verifier.check(Self.header("alice", "right"), users: Self.users) == .authorized, "remembered: no wait")
        release.withLock { $0 = true }
        group.wait()
        #expect(verdicts.withLock { $0 } == [.refused, .refused])
        #expect(verifier.check(Self.header("alice", "wrong-more"), users: Self.users) == .refused, "checked once there is room")
    }
}

/// Refusals are counted by reason and said at most once a minute.
@Suite struct RefusalCounterTests {
    final class Clock: Sendable {
        let now = Mutex(0.0)
    }

    @Test func countsAndOneLineAMinute() {
        let logs = LogLines()
        let clock = Clock()
        let counter = RefusalCounter(logger: Logger(level: .debug, sink: logs, clock: { 0 }), clock: { clock.now.withLock { $0 } })
        counter.count(.unauthorized)
        for _ in 0..<5 { counter.count(.handshakeTimeout) }
        clock.now.withLock { $0 = 61 }
        counter.count(.perClientLimit)
        #expect(counter.totals == [.unauthorized: 1, .handshakeTimeout: 5, .perClientLimit: 1])
        let lines = logs.all
        #expect(lines.count == 2)
        #expect(lines.first?.metadata["unauthorized"] == "1" && lines.first?.metadata["handshake_timeout"] == nil)
        #expect(lines.last?.metadata["handshake_timeout"] == "5" && lines.last?.metadata["per_client_limit"] == "1")
    }

    final class LogLines: LogSink {
        private let records = Mutex<[LogRecord]>([])
        func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
        var all: [LogRecord] { records.withLock { $0 } }
    }
}
