/// Bytes served per slot (`Value`, domestic/overseas and HTTPS parts).
public struct DescribeVodDomainTrafficData: DomainDataOperation {
    public static let action = "DescribeVodDomainTrafficData"
    public static let seriesContainer = "TrafficDataPerInterval"
    public static var allowsRegionFilter: Bool { true }
    public var query: DomainDataQuery
    public init(query: DomainDataQuery) { self.query = query }
}

/// Bandwidth per slot in bit/s (`Value`, domestic/overseas and HTTPS parts).
public struct DescribeVodDomainBpsData: DomainDataOperation {
    public static let action = "DescribeVodDomainBpsData"
    public static let seriesContainer = "BpsDataPerInterval"
    public static var allowsRegionFilter: Bool { true }
    public var query: DomainDataQuery
    public init(query: DomainDataQuery) { self.query = query }
}

/// Back-to-origin bytes per slot (`Value`, `HttpsValue`).
public struct DescribeVodDomainSrcTrafficData: DomainDataOperation {
    public static let action = "DescribeVodDomainSrcTrafficData"
    public static let seriesContainer = "SrcTrafficDataPerInterval"
    public var query: DomainDataQuery
    public init(query: DomainDataQuery) { self.query = query }
}

/// Back-to-origin bandwidth per slot in bit/s (`Value`, `HttpsValue`).
public struct DescribeVodDomainSrcBpsData: DomainDataOperation {
    public static let action = "DescribeVodDomainSrcBpsData"
    public static let seriesContainer = "SrcBpsDataPerInterval"
    public var query: DomainDataQuery
    public init(query: DomainDataQuery) { self.query = query }
}

/// Byte hit rate per slot in percent (`Value`, `HttpsValue`).
public struct DescribeVodDomainHitRateData: DomainDataOperation {
    public static let action = "DescribeVodDomainHitRateData"
    public static let seriesContainer = "HitRateInterval"
    public var query: DomainDataQuery
    public init(query: DomainDataQuery) { self.query = query }
}

/// Request hit rate per slot in percent (`Value`, `HttpsValue`).
public struct DescribeVodDomainReqHitRateData: DomainDataOperation {
    public static let action = "DescribeVodDomainReqHitRateData"
    public static let seriesContainer = "Data"
    public var query: DomainDataQuery
    public init(query: DomainDataQuery) { self.query = query }
}

/// Queries per second and request counts per slot.
public struct DescribeVodDomainQpsData: VODOperation {
    public static let action = "DescribeVodDomainQpsData"
    public var query: DomainDataQuery
    public var lane: RequestGate.Lane { .bulk }

    public init(query: DomainDataQuery) {
        self.query = query
    }

    /// One QPS slot: the rates (`Value`, …) and the request counts (`AccValue`, …).
    public struct Slot: Sendable, Equatable {
        public var qps: DataSlot
        public var requests: DataSlot
    }

    /// The QPS answer.
    public struct Response: Sendable, Equatable {
        public var requestId: String
        public var dataInterval: Int?
        public var slots: [Slot]
    }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        try query.parameters(action: Self.action, allowsRegionFilter: true)
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        let slots = try body.nestedArray("QpsDataInterval", "DataModule").map { entry throws(ResponseDecodingError) in
            Slot(qps: try DataSlot.decode(entry), requests: try DataSlot.decode(entry, countPrefix: "Acc"))
        }
        return Response(
            requestId: try body.optionalString("RequestId") ?? "",
            dataInterval: try DomainDataSeries.decodeInterval(body, slotsPresent: !slots.isEmpty),
            slots: slots)
    }
}
