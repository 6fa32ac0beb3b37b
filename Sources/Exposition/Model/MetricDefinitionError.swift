/// A metric definition that the exposition formats cannot represent. Thrown when a family is
/// built, so a bad definition fails at startup or in a test, never half-way through a scrape.
public struct MetricDefinitionError: Error, Equatable, CustomStringConvertible {
    /// The family (or metric name) the problem belongs to.
    public let family: String
    /// What is wrong, in words.
    public let problem: String

    public init(family: String, problem: String) {
        self.family = family
        self.problem = problem
    }

    public var description: String { "metric \(family): \(problem)" }
}
