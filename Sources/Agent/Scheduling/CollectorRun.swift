import HTTPClient
import VODAPI

/// Runs the items of one collector run: each starts at its stable offset within the spread
/// (waiting for it holds nothing), at most `maxInFlight` at once, and whatever has not finished
/// at the deadline is cancelled and counted as failed.
struct CollectorRun: Sendable {
    let time: any TimeSource
    let maxInFlight: Int

    private enum Event: Sendable {
        case finished(WorkItem, VODClientError?, began: Double, ended: Double)
        case wake
        case deadline
    }

    /// - Parameters:
    ///   - start: wall-clock seconds the offsets count from (the grid point).
    ///   - spread: seconds over which item starts are spread (0: all at once).
    ///   - deadline: wall-clock seconds when unfinished items are abandoned.
    func execute(_ items: [WorkItem], into report: inout RunReport, start: Double, spread: Int64, deadline: Double,
                 perform: @escaping @Sendable (WorkItem) async -> VODClientError?) async {
        let time = self.time
        let queue = items.map { (item: $0, due: start + PollSchedule.startOffset(for: $0.key, spread: spread)) }
            .sorted { $0.due < $1.due }
        report.items = items.count
        var finished = 0
        await withTaskGroup(of: Event.self) { group in
            group.addTask {
                try? await time.sleep(seconds: deadline - time.now())
                return .deadline
            }
            var next = 0, inFlight = 0, waking = false
            run: while next < queue.count || inFlight > 0 {
                while next < queue.count, inFlight < maxInFlight {
                    let (item, due) = queue[next]
                    if due > time.now() {
                        if !waking {
                            waking = true
                            group.addTask {
                                try? await time.sleep(seconds: due - time.now())
                                return .wake
                            }
                        }
                        break
                    }
                    next += 1
                    inFlight += 1
                    group.addTask {
                        let began = time.now()
                        let error = await perform(item)
                        return .finished(item, error, began: began, ended: time.now())
                    }
                }
                switch await group.next() {
                case .finished(let item, let error, let began, let ended):
                    inFlight -= 1
                    finished += 1
                    report.firstCall = min(report.firstCall ?? began, began)
                    report.lastAnswer = max(report.lastAnswer ?? ended, ended)
                    if let error {
                        report.recordFailure(RunReport.kind(of: error), item: item.key, error: error)
                    } else {
                        report.succeeded += 1
                    }
                case .wake:
                    waking = false
                case .deadline, nil:
                    let unfinished = queue.count - finished
                    report.recordFailure("deadline", item: queue[min(next, queue.count - 1)].item.key, error: nil, count: unfinished)
                    break run
                }
            }
            group.cancelAll()
        }
    }
}
