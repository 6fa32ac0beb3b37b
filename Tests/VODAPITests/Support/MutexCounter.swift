import Synchronization

extension Mutex where Value == Int {
    /// Adds one and returns the new count: numbering fetches and calls in fakes.
    func increment() -> Int {
        withLock { value in
            value += 1
            return value
        }
    }
}
