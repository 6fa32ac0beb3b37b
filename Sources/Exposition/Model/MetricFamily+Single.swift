extension MetricFamily {
    /// A family defined in the code. An invalid definition is a programmer mistake and stops the
    /// program; tests render every one.
    public static func builtIn(name: String, type: MetricType, unit: String? = nil, help: String, series: [Series]) -> MetricFamily {
        do {
            return try MetricFamily(name: name, type: type, help: help, unit: unit, series: series)
        } catch {
            preconditionFailure("invalid built-in metric: \(error)")
        }
    }

    /// A built-in family of one unlabelled series.
    public static func single(name: String, type: MetricType, unit: String? = nil, help: String, value: Double) -> MetricFamily {
        builtIn(name: name, type: type, unit: unit, help: help, series: [Series(.none, value)])
    }
}
