import Logging
import Synchronization

/// Runs services together and stops them in order within one bound: the shape of
/// swift-service-lifecycle's `ServiceGroup`, small and our own.
///
/// Every service starts at once. When the group's shutdown is requested (SIGTERM), or a service
/// returns by itself, the services are asked to stop one at a time in reverse order, each once
/// the one listed after it has returned: a service still has the ones listed before it while it
/// stops (the agent queues its last writes while the shipper runs; the shipper flushes while the
/// listener serves). Whatever has not returned when the bound is up is cancelled and left behind.
public struct ServiceGroup: Sendable {
    /// One service and the name its log lines use.
    public struct Member: Sendable {
        public var name: String
        public var service: any Service

        public init(_ name: String, _ service: any Service) {
            self.name = name
            self.service = service
        }
    }

    /// How a run of the group ended.
    public struct Outcome: Sendable, Equatable {
        /// The service that returned before any shutdown was requested, if one did.
        public var endedByItself: String?
        /// Services that had not returned when the bound was up, in stop order.
        public var overran: [String]
    }

    private let members: [Member]
    private let bound: Double
    private let logger: Logger
    private let sleep: @Sendable (Double) async -> Void

    /// - Parameters:
    ///   - bound: seconds from the shutdown request until every service has returned.
    ///   - sleep: waits the bound (tests pass their own).
    public init(_ members: [Member], bound: Double, logger: Logger,
                sleep: @escaping @Sendable (Double) async -> Void = { try? await Task.sleep(nanoseconds: UInt64($0 * 1_000_000_000)) }) {
        precondition(bound > 0 && Set(members.map(\.name)).count == members.count, "a positive bound and distinct names")
        self.members = members
        self.bound = bound
        self.logger = logger
        self.sleep = sleep
    }

    /// Runs every service until `shutdown` is requested (or this task is cancelled, or a service
    /// returns by itself), then stops them in reverse order within the bound.
    public func run(until shutdown: GracefulShutdown) async -> Outcome {
        let stops = members.map { _ in GracefulShutdown() }
        let endedByItself = EndedFirst()
        let tasks = zip(members, stops).map { member, stop in
            Task {
                await member.service.run(until: stop)
                if !stop.isRequested {
                    endedByItself.record(member.name)
                    shutdown.request()
                }
            }
        }
        await shutdown.wait()
        var outcome = Outcome(endedByItself: endedByItself.name, overran: [])
        if let name = outcome.endedByItself {
            logger.error("a service ended by itself; stopping the others", ["service": name])
        }
        let sleep = self.sleep, bound = self.bound
        let expiry = Task { await sleep(bound) }
        defer { expiry.cancel() }
        for index in members.indices.reversed() {
            stops[index].request()
            guard await TaskDeadline.wait(for: tasks[index], until: expiry) else {
                outcome.overran = members[...index].reversed().map(\.name)
                for task in tasks[...index] { task.cancel() }
                logger.warn("services did not stop within the bound; exiting without them", [
                    "services": outcome.overran.joined(separator: ","), "bound_seconds": String(bound),
                ])
                return outcome
            }
            logger.debug("service stopped", ["service": members[index].name])
        }
        return outcome
    }
}

/// The first service to return by itself.
private final class EndedFirst: Sendable {
    private let first = Mutex<String?>(nil)

    func record(_ name: String) {
        first.withLock { $0 = $0 ?? name }
    }

    var name: String? { first.withLock { $0 } }
}
