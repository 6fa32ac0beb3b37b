/// Appending exposition tokens to a byte buffer without building intermediate strings.
extension Array where Element == UInt8 {
    /// Appends the UTF-8 bytes of `text`.
    @inlinable
    mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends `text` with `\` → `\\`, LF → `\n`, and `"` → `\"` when `escapingQuotes` is set
    /// (label values in both formats, HELP in OpenMetrics; text 0.0.4 HELP leaves `"` alone).
    mutating func appendEscaped(_ text: String, escapingQuotes: Bool) {
        var text = text
        text.withUTF8 { source in
            var start = 0
            for index in 0..<source.count {
                let byte = source[index]
                let replacement: UInt8
                switch byte {
                case UInt8(ascii: "\\"): replacement = UInt8(ascii: "\\")
                case UInt8(ascii: "\n"): replacement = UInt8(ascii: "n")
                case UInt8(ascii: "\"") where escapingQuotes: replacement = UInt8(ascii: "\"")
                default: continue
                }
                append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<index]))
                append(UInt8(ascii: "\\"))
                append(replacement)
                start = index + 1
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<source.count]))
        }
    }

    /// Appends a decimal integer.
    mutating func appendInteger(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digitCount = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digitCount += 1
        }
        let end = count + digitCount
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digitCount))
        var index = end - 1
        repeat {
            let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: 10)
            self[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remainder)
            magnitude = quotient
            index -= 1
        } while magnitude > 0
    }
}
