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

/// The same for async tests: suspends between polls instead of blocking a thread of the
/// cooperative pool (which has few threads).
@discardableResult
public func waitUntil(timeout: Double, every interval: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() >= deadline { return false }
        try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
    }
    return true
}
