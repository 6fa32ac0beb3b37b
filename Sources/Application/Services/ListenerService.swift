import Lifecycle
import WebServer

/// The listener as a service: started before the group (a port in use is an exit at start, not
/// a state to run in), it serves until its shutdown, after every other service has stopped, then
/// lets responses in flight finish for up to `gracePeriod` seconds.
struct ListenerService: Service {
    let server: HTTPServer
    let gracePeriod: Double

    func run(until shutdown: GracefulShutdown) async {
        await shutdown.wait()
        await server.stop(gracePeriod: gracePeriod)
    }
}
