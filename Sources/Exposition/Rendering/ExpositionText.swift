/// The exposition's spelling of single tokens, for callers that write lines the renderer does
/// not (samples with their own timestamps): the same escaping and number form as `/metrics`.
public enum ExpositionText {
    /// A label value escaped as inside `"…"` (`\`, newline and `"`).
    public static func labelValue(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.appendEscaped(text, escapingQuotes: true)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A sample value: integral values as integers, `NaN`/`+Inf`/`-Inf`, else shortest round-trip.
    public static func sampleValue(_ value: Double) -> String {
        var bytes: [UInt8] = []
        SampleValueFormatting.appendValue(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
