/// A response body that does not have the documented shape. `path` names the offending field,
/// e.g. `TrafficDataPerInterval.DataModule[3].Value`.
public struct ResponseDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        "unexpected response at \(path): \(problem)"
    }
}
