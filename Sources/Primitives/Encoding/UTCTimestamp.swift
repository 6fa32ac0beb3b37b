/// The `yyyy-MM-ddTHH:mm:ssZ` UTC timestamps of the Alibaba Cloud API, converted to and from
/// seconds since the Unix epoch without calendars, locales or time zones.
public enum UTCTimestamp {
    /// `yyyy-MM-ddTHH:mm:ssZ` for `epochSeconds` (years 0000–9999).
    public static func format(_ epochSeconds: Int64) -> String {
        let days = floorDivide(epochSeconds, 86_400)
        let secondsOfDay = epochSeconds - days * 86_400
        let (year, month, day) = civilDate(fromDays: days)
        let hour = secondsOfDay / 3600
        let minute = (secondsOfDay % 3600) / 60
        let second = secondsOfDay % 60
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z"
    }

    /// The IMF-fixdate of HTTP's `Date` header (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func formatHTTPDate(_ epochSeconds: Int64) -> String {
        let days = floorDivide(epochSeconds, 86_400)
        let secondsOfDay = epochSeconds - days * 86_400
        let (year, month, day) = civilDate(fromDays: days)
        let weekday = weekdayNames[Int(floorModulo(days, 7))]  // 1970-01-01 was a Thursday.
        return "\(weekday), \(pad(day, 2)) \(monthNames[Int(month - 1)]) \(pad(year, 4)) "
            + "\(pad(secondsOfDay / 3600, 2)):\(pad((secondsOfDay % 3600) / 60, 2)):\(pad(secondsOfDay % 60, 2)) GMT"
    }

    /// Seconds since the epoch for an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), or nil.
    public static func parseHTTPDate(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int64(parts[1]), let month = monthNames.firstIndex(of: String(parts[2])),
              let year = Int64(parts[3]) else { return nil }
        return parse("\(pad(year, 4))-\(pad(Int64(month + 1), 2))-\(pad(day, 2))T\(parts[4])Z")
    }

    private static let weekdayNames = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Seconds since the epoch for `yyyy-MM-ddTHH:mm:ssZ`; also accepts fractional seconds
    /// (`…:ss.SSSZ`, truncated) as some credential services send them. Nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        if bytes.count > 20 {
            // Only a fractional part may sit between the seconds and the Z.
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 21, number(20..<(bytes.count - 1)) != nil else {
                return nil
            }
        }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return days(fromCivilYear: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// The UTC calendar date (year, month 1–12, day 1–31) of a time.
    public static func civilDate(ofEpochSeconds seconds: Int64) -> (year: Int64, month: Int64, day: Int64) {
        civilDate(fromDays: floorDivide(seconds, 86_400))
    }

    /// Midnight UTC of a calendar date; the month and day may overflow (month 13 is January of
    /// the next year), which makes "the first of the next month" one call.
    public static func epochSeconds(year: Int64, month: Int64, day: Int64) -> Int64 {
        let normalizedYear = year + floorDivide(month - 1, 12)
        let normalizedMonth = floorModulo(month - 1, 12) + 1
        return (days(fromCivilYear: normalizedYear, month: normalizedMonth, day: 1) + day - 1) * 86_400
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    private static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 {
        a - floorDivide(a, b) * b
    }

    private static func isLeap(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days-from-civil and civil-from-days algorithms (proleptic Gregorian).
    private static func days(fromCivilYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilDate(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
