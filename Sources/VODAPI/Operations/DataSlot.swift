/// One time slot of a VOD data series (`DataModule`), values as the API reports them.
///
/// Every value is optional: the API sends `""` for splits it does not compute (for example the
/// domestic/overseas parts under an ISP filter), and that means "absent", never zero.
public struct DataSlot: Sendable, Equatable {
    /// Slot start, seconds since the epoch (UTC). The slot covers `[timestamp, timestamp + interval)`.
    public var timestamp: Int64
    public var value: Double?
    public var domesticValue: Double?
    public var overseasValue: Double?
    public var httpsValue: Double?
    public var httpsDomesticValue: Double?
    public var httpsOverseasValue: Double?

    public init(
        timestamp: Int64, value: Double? = nil, domesticValue: Double? = nil, overseasValue: Double? = nil,
        httpsValue: Double? = nil, httpsDomesticValue: Double? = nil, httpsOverseasValue: Double? = nil
    ) {
        self.timestamp = timestamp
        self.value = value
        self.domesticValue = domesticValue
        self.overseasValue = overseasValue
        self.httpsValue = httpsValue
        self.httpsDomesticValue = httpsDomesticValue
        self.httpsOverseasValue = httpsOverseasValue
    }

    /// Decodes a `DataModule` entry; `prefix` selects a field family (`""` or `Acc` for QPS
    /// request counts, where the names are `AccValue`, `AccDomesticValue`, `HttpsAccValue`, …).
    static func decode(_ entry: JSONCursor, countPrefix prefix: String = "") throws(ResponseDecodingError) -> DataSlot {
        DataSlot(
            timestamp: try entry.requiredTimestamp("TimeStamp"),
            value: try entry.number("\(prefix)Value"),
            domesticValue: try entry.number("\(prefix)DomesticValue"),
            overseasValue: try entry.number("\(prefix)OverseasValue"),
            httpsValue: try entry.number("Https\(prefix)Value"),
            httpsDomesticValue: try entry.number("Https\(prefix)DomesticValue"),
            httpsOverseasValue: try entry.number("Https\(prefix)OverseasValue"))
    }
}

/// A data series answer: the slots and the interval the server actually used.
public struct DomainDataSeries: Sendable, Equatable {
    public var requestId: String
    /// Slot width in seconds as the response states it (the server silently coerces the
    /// requested interval, so this is never assumed). Nil only when there are no slots.
    public var dataInterval: Int?
    public var slots: [DataSlot]
    /// `TotalTraffic` (bytes over the range) where the operation reports it.
    public var totalTraffic: Double?

    public init(requestId: String, dataInterval: Int?, slots: [DataSlot], totalTraffic: Double? = nil) {
        self.requestId = requestId
        self.dataInterval = dataInterval
        self.slots = slots
        self.totalTraffic = totalTraffic
    }

    /// Decodes a series whose slots sit at `container.DataModule`.
    static func decode(_ body: JSONCursor, container: String) throws(ResponseDecodingError) -> DomainDataSeries {
        let slots = try body.nestedArray(container, "DataModule").map { entry throws(ResponseDecodingError) in
            try DataSlot.decode(entry)
        }
        return DomainDataSeries(
            requestId: try body.optionalString("RequestId") ?? "",
            dataInterval: try decodeInterval(body, slotsPresent: !slots.isEmpty),
            slots: slots,
            totalTraffic: try body.number("TotalTraffic"))
    }

    /// `DataInterval`, required whenever slots are present and always positive.
    static func decodeInterval(_ body: JSONCursor, slotsPresent: Bool) throws(ResponseDecodingError) -> Int? {
        let interval = try body.integer("DataInterval")
        if let interval, interval <= 0 {
            throw ResponseDecodingError(path: "DataInterval", problem: "must be positive, found \(interval)")
        }
        if interval == nil && slotsPresent {
            throw ResponseDecodingError(path: "DataInterval", problem: "missing, so the slots cannot be interpreted")
        }
        return interval
    }
}
