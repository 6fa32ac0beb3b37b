import Lifecycle
import Logging
import Synchronization
import Testing

/// The group's order and bound, driven by events: no test here waits on the clock.
@Suite struct ServiceGroupTests {
    /// What happened, in order, across every service of a test.
    final class Events: Sendable {
        private let list = Mutex<[String]>([])
        func add(_ event: String) { list.withLock { $0.append(event) } }
        var all: [String] { list.withLock { $0 } }
    }

    final class Logs: LogSink {
        private let records = Mutex<[LogRecord]>([])
        func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
        var all: [LogRecord] { records.withLock { $0 } }
    }

    /// Records its start and stop; stopping waits for `release` when given one (never requested:
    /// a service that will not stop), or returns at once.
    struct Recording: Service {
        let name: String
        let events: Events
        var release: GracefulShutdown?
        var endsByItself = false

        func run(until shutdown: GracefulShutdown) async {
            events.add("\(name) started")
            if endsByItself {
                events.add("\(name) ended")
                return
            }
            await shutdown.wait()
            events.add(shutdown.isRequested ? "\(name) stopping" : "\(name) cancelled")
            if let release { await release.wait() }
            events.add("\(name) stopped")
        }
    }

    @Test func servicesStopInReverseOrderEachAfterTheNext() async {
        let events = Events()
        let group = ServiceGroup([.init("listener", Recording(name: "listener", events: events)),
                                  .init("shipper", Recording(name: "shipper", events: events)),
                                  .init("agent", Recording(name: "agent", events: events))],
                                 bound: 8, logger: .disabled)
        let shutdown = GracefulShutdown()
        let running = Task { await group.run(until: shutdown) }
        while events.all.count < 3 { await Task.yield() }
        shutdown.request()
        let outcome = await running.value
        #expect(outcome.endedByItself == nil && outcome.overran.isEmpty)
        #expect(Array(events.all.dropFirst(3)) == ["agent stopping", "agent stopped", "shipper stopping", "shipper stopped",
                                                   "listener stopping", "listener stopped"])
    }

    /// The agent stops; the shipper does not within the bound: it and the listener (not yet
    /// asked) are cancelled and named, and the group returns without them.
    @Test func whatOverrunsTheBoundIsCancelledAndNamed() async {
        let events = Events(), logs = Logs()
        let expire = GracefulShutdown(), never = GracefulShutdown()
        let group = ServiceGroup([.init("listener", Recording(name: "listener", events: events, release: never)),
                                  .init("shipper", Recording(name: "shipper", events: events, release: never)),
                                  .init("agent", Recording(name: "agent", events: events))],
                                 bound: 8, logger: Logger(level: .debug, sink: logs, clock: { 0 }), sleep: { _ in await expire.wait() })
        let shutdown = GracefulShutdown()
        let running = Task { await group.run(until: shutdown) }
        while events.all.count < 3 { await Task.yield() }
        shutdown.request()
        while !events.all.contains("shipper stopping") { await Task.yield() }
        expire.request()
        let outcome = await running.value
        #expect(outcome.overran == ["shipper", "listener"])
        // The listener was never asked to stop; cancelled, it returns.
        #expect(events.all.contains("agent stopped") && !events.all.contains("listener stopping"), "\(events.all)")
        while !events.all.contains("listener cancelled") { await Task.yield() }
        #expect(logs.all.contains { $0.message.hasPrefix("services did not stop within the bound") && $0.metadata["services"] == "shipper,listener" })
    }

    @Test func aServiceThatEndsByItselfStopsTheRest() async {
        let events = Events(), logs = Logs()
        let group = ServiceGroup([.init("listener", Recording(name: "listener", events: events)),
                                  .init("agent", Recording(name: "agent", events: events, endsByItself: true))],
                                 bound: 8, logger: Logger(level: .info, sink: logs, clock: { 0 }))
        let outcome = await group.run(until: GracefulShutdown())
        #expect(outcome.endedByItself == "agent" && outcome.overran.isEmpty)
        #expect(events.all.suffix(2) == ["listener stopping", "listener stopped"])
        #expect(logs.all.contains { $0.level == .error && $0.metadata["service"] == "agent" })
    }

    @Test func aShutdownWakesWaitersAndActionsOnce() async {
        let shutdown = GracefulShutdown()
        let events = Events()
        shutdown.onRequest { events.add("action") }
        let waiting = Task {
            await shutdown.wait()
            events.add("woken")
        }
        shutdown.request()
        await waiting.value
        shutdown.request()
        shutdown.onRequest { events.add("late action") }
        #expect(events.all.sorted() == ["action", "late action", "woken"])
        // A cancelled waiter returns without a request.
        let other = GracefulShutdown()
        let cancelled = Task { await other.wait() }
        cancelled.cancel()
        await cancelled.value
        #expect(!other.isRequested)
    }
}
