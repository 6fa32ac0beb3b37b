import Lifecycle
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The process's signals as a service: SIGHUP reloads, SIGTERM or SIGINT requests the group's
/// graceful shutdown (a second one exits at once: `SignalWatcher`).
struct SignalService: Service {
    let watcher: SignalWatcher
    /// What SIGHUP does.
    let reload: @Sendable () async -> Void
    /// The group's shutdown, which SIGTERM and SIGINT request.
    let stop: GracefulShutdown
    let stopBound: Double
    let logger: Logger

    func run(until shutdown: GracefulShutdown) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await number in watcher.signals {
                    if number == SIGHUP {
                        logger.info("SIGHUP: reloading the domains file and the credential sources")
                        await reload()
                    } else {
                        logger.info("stopping; a second signal exits at once", [
                            "signal": number == SIGTERM ? "SIGTERM" : "SIGINT", "bound_seconds": String(Int(stopBound)),
                        ])
                        stop.request()
                    }
                }
            }
            await shutdown.wait()
            group.cancelAll()
        }
    }
}
