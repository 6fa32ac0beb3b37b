import Primitives

/// Faults the simulator injects, set by `--faults` and changed at run time through
/// `POST /-/simulator/faults?set=…`.
///
/// Text form: comma-separated items, e.g. `throttle:0.3,5xx:0.1,slow:2s,clock:+20m`.
/// - `throttle[:P]`: answer `Throttling` (503, with a retry hint) to a share P of requests (1).
/// - `5xx[:P]`: answer `InternalError` (500) to a share P.
/// - `slow:D`: wait D (such as `2s`, `500ms`) before every answer.
/// - `hang`: never answer (until the fault is cleared or the simulator stops).
/// - `truncate`: cut every JSON answer in half. `malformed`: answer `{not json`.
/// - `types`: send objects where the API sends numbers-as-strings.
/// - `clock:±D`: shift the simulator's clock (the signature timestamp check follows).
/// - `auth`: answer `InvalidAccessKeyId.NotFound` (404) to every request.
/// - `absurd`: data values no CDN can produce (`1e308` bytes in a bucket, bandwidth alike).
/// - `error200`: answer every request with status 200 and an error body (`Code`, no data),
///   as some gateways do.
/// - `hide:NAME`: leave domain NAME out of `DescribeVodUserDomains` (it left the account for a
///   while); repeatable.
public struct FaultSet: Sendable, Equatable, CustomStringConvertible {
    public var throttleShare = 0.0
    public var serverErrorShare = 0.0
    public var slowSeconds = 0.0
    public var hang = false
    public var truncate = false
    public var malformed = false
    public var wrongTypes = false
    public var clockOffset: Int64 = 0
    public var rejectAuthentication = false
    public var absurdValues = false
    public var errorWithOK = false
    /// Domains `DescribeVodUserDomains` leaves out.
    public var hiddenDomains: Set<String> = []

    public init() {}

    /// A fault list that cannot be used.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let item: String
        public var description: String {
            "unknown fault \"\(item)\" (expected throttle[:P], 5xx[:P], slow:D, hang, truncate, malformed, types, clock:±D, auth, absurd, error200, hide:NAME)"
        }
    }

    /// Parses the text form; an empty text means no faults.
    public init(parsing text: String) throws(ParseError) {
        self.init()
        for rawItem in text.split(separator: ",") {
            let item = rawItem.trimmingWhitespace()
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            let argument = parts.count > 1 ? parts[1] : nil
            func share() throws(ParseError) -> Double {
                guard let argument else { return 1 }
                guard let value = Double(argument), value >= 0, value <= 1 else { throw ParseError(item: item) }
                return value
            }
            switch parts[0] {
            case "throttle": throttleShare = try share()
            case "5xx": serverErrorShare = try share()
            case "slow":
                guard let argument, let seconds = Self.duration(argument) else { throw ParseError(item: item) }
                slowSeconds = seconds
            case "hang": hang = true
            case "truncate": truncate = true
            case "malformed": malformed = true
            case "types": wrongTypes = true
            case "auth": rejectAuthentication = true
            case "absurd": absurdValues = true
            case "error200": errorWithOK = true
            case "hide":
                guard let argument, !argument.isEmpty else { throw ParseError(item: item) }
                hiddenDomains.insert(argument.lowercased())
            case "clock":
                guard let argument, let sign = argument.first, sign == "+" || sign == "-",
                      let seconds = Self.duration(String(argument.dropFirst())) else { throw ParseError(item: item) }
                clockOffset = Int64(sign == "-" ? -seconds : seconds)
            case "none", "": continue
            default: throw ParseError(item: item)
            }
        }
    }

    public var description: String {
        var items: [String] = []
        if throttleShare > 0 { items.append("throttle:\(throttleShare)") }
        if serverErrorShare > 0 { items.append("5xx:\(serverErrorShare)") }
        if slowSeconds > 0 { items.append("slow:\(Int(slowSeconds * 1000))ms") }
        if hang { items.append("hang") }
        if truncate { items.append("truncate") }
        if malformed { items.append("malformed") }
        if wrongTypes { items.append("types") }
        if rejectAuthentication { items.append("auth") }
        if absurdValues { items.append("absurd") }
        if errorWithOK { items.append("error200") }
        if clockOffset != 0 { items.append("clock:\(clockOffset >= 0 ? "+" : "-")\(abs(clockOffset))s") }
        items += hiddenDomains.sorted().map { "hide:\($0)" }
        return items.isEmpty ? "none" : items.joined(separator: ",")
    }

    /// `2s`, `500ms`, `20m`, `1h`.
    static func duration(_ text: String) -> Double? {
        for (suffix, scale) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value >= 0 { return value * scale }
        }
        return nil
    }
}
