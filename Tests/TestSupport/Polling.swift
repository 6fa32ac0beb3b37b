import Foundation

/// Polls `condition` every `interval` seconds until it holds or `timeout` seconds pass (for
/// things that happen asynchronously: a server noticing a close, a process becoming ready).
/// - Returns: whether the condition held.
@discardableResult
public func waitUntil(timeout: Double, every interval: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
    return true
}
