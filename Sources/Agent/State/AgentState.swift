/// What the state file holds: the ledgers and gauges of every domain, and whose they are.
public struct AgentState: Codable, Sendable, Equatable {
    /// Marks the file as ours; anything else is foreign.
    public static let formatName = "vodcdn-exporter-state"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    /// Seconds since the epoch when it was written.
    public var savedAt: Int64
    /// The API endpoint and shard the data belongs to: a state file from another account's
    /// endpoint or another shard is not trusted.
    public var endpoint: String
    public var shard: String
    public var domains: [String: DomainRecord]
    /// The usage collector's ledger of the billing month (absent without it).
    public var usage: UsageLedger?

    public init(savedAt: Int64, endpoint: String, shard: String, domains: [String: DomainRecord], usage: UsageLedger? = nil) {
        format = Self.formatName
        version = Self.currentVersion
        self.savedAt = savedAt
        self.endpoint = endpoint
        self.shard = shard
        self.domains = domains
        self.usage = usage
    }
}

extension BucketLedger {
    private enum CodingKeys: String, CodingKey {
        case total, cursor, counted, upwardRevisions, downwardRevisions
    }

    /// Decodes and checks a saved ledger: a total below what its buckets add up to, a bucket
    /// after the cursor, or a negative value is a corrupt file, not data.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let ledger = BucketLedger.restored(
            total: try container.decode(Double.self, forKey: .total),
            cursor: try container.decodeIfPresent(Int64.self, forKey: .cursor),
            counted: try container.decode([Int64: Double].self, forKey: .counted),
            upwardRevisions: try container.decode(UInt64.self, forKey: .upwardRevisions),
            downwardRevisions: try container.decode(UInt64.self, forKey: .downwardRevisions))
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "inconsistent ledger"))
        }
        self = ledger
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(total, forKey: .total)
        try container.encodeIfPresent(cursor, forKey: .cursor)
        // As JSONEncoder writes an [Int64: Double] (key, value, key, value, ...), oldest first so
        // the same ledger always gives the same bytes.
        var counted = container.nestedUnkeyedContainer(forKey: .counted)
        for (start, value) in self.counted {
            try counted.encode(start)
            try counted.encode(value)
        }
        try container.encode(upwardRevisions, forKey: .upwardRevisions)
        try container.encode(downwardRevisions, forKey: .downwardRevisions)
    }
}
