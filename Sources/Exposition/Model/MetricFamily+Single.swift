extension MetricFamily {
    /// A family of one unlabelled series, for definitions written in the code. An invalid
    /// definition is a programmer mistake and stops the program; tests render every one.
    public static func single(name: String, type: MetricType, unit: String? = nil, help: String, value: Double) -> MetricFamily {
        do {
            return try MetricFamily(name: name, type: type, help: help, unit: unit, series: [Series(.none, value)])
        } catch {
            preconditionFailure("invalid built-in metric: \(error)")
        }
    }
}
