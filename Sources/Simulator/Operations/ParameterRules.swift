import Primitives

/// The parameter rules of the data operations, as the reference documents them.
enum ParameterRules {
    /// A time range and the interval the server settles on.
    struct DataRange {
        let start: Int64
        let end: Int64
        let interval: Int64
    }

    /// `StartTime`/`EndTime` (both or neither; default the last 24 h), formats, order, history,
    /// and `Interval`, silently coerced to what the span allows.
    static func dataRange(_ parameters: [String: String], now: Int64, historyDays: Int64 = 93) throws(APIReply.Refusal) -> DataRange {
        let (start, end) = try timeRange(parameters, now: now, defaultSpan: 86_400)
        guard start >= now - historyDays * 86_400 else {
            throw APIReply.Refusal(400, "InvalidStartTime.ValueNotSupported", "The specified StartTime is out of the supported range.")
        }
        let span = end - start
        let allowed: [Int64], fallback: Int64
        if span < 3 * 86_400 {
            (allowed, fallback) = ([300, 3600, 86_400], 300)
        } else if span < 31 * 86_400 {
            (allowed, fallback) = ([3600, 86_400], 3600)
        } else {
            (allowed, fallback) = ([86_400], 86_400)
        }
        let requested = parameters["Interval"].flatMap { Int64($0) }
        return DataRange(start: start, end: end, interval: requested.flatMap { allowed.contains($0) ? $0 : nil } ?? fallback)
    }

    /// A both-or-neither time pair.
    static func timeRange(_ parameters: [String: String], now: Int64, defaultSpan: Int64) throws(APIReply.Refusal) -> (Int64, Int64) {
        switch (parameters["StartTime"], parameters["EndTime"]) {
        case (nil, nil):
            let end = now / 300 * 300
            return (end - defaultSpan, end)
        case (let startText?, let endText?):
            guard let start = UTCTimestamp.parse(startText) else {
                throw APIReply.Refusal(400, "InvalidStartTime.Malformed", "Specified StartTime is malformed.")
            }
            guard let end = UTCTimestamp.parse(endText) else {
                throw APIReply.Refusal(400, "InvalidEndTime.Malformed", "Specified EndTime is malformed.")
            }
            guard end > start else { throw APIReply.Refusal(400, "InvalidEndTime.Mismatch", "Specified EndTime is earlier than the StartTime.") }
            return (start, end)
        default:
            throw APIReply.Refusal(400, "MissingTimeParameter", "The StartTime and EndTime must be both specified.")
        }
    }

    /// The `DomainName` list: comma-separated, at most `limit`.
    static func domains(_ parameters: [String: String], limit: Int, required: Bool) throws(APIReply.Refusal) -> [String] {
        let names = (parameters["DomainName"] ?? "").split(separator: ",").map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty }
        if required && names.isEmpty {
            throw APIReply.Refusal(400, "MissingParameter", "The input parameter DomainName that is mandatory for processing this request is not supplied.")
        }
        guard names.count <= limit else {
            throw APIReply.Refusal(400, "InvalidDomainName.Exceeded", "At most \(limit) domain names are allowed.")
        }
        return names
    }

    /// Refuses a request naming a domain the account does not have, as the API does.
    static func requireOwned(_ names: [String], of account: [String]) throws(APIReply.Refusal) {
        if let stranger = names.first(where: { !account.contains($0) }) {
            throw APIReply.Refusal(404, "InvalidDomain.NotFound", "The domain \(stranger) does not exist, or it does not belong to you.")
        }
    }

    /// An integer page parameter within bounds.
    static func page(_ parameters: [String: String], _ name: String, default value: Int, range: ClosedRange<Int>) throws(APIReply.Refusal) -> Int {
        guard let text = parameters[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIReply.Refusal(400, "Invalid\(name).ValueNotSupported", "Specified \(name) is not supported.")
        }
        return number
    }
}
