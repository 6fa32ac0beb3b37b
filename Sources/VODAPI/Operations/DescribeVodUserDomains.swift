/// The account's VOD CDN domains, one page at a time (see ``VODClient/allUserDomains(status:)``
/// for every page).
public struct DescribeVodUserDomains: VODOperation {
    public static let action = "DescribeVodUserDomains"
    public static let maxPageSize = 50

    /// How `DomainName` matches.
    public enum SearchType: String, Sendable, CaseIterable {
        case fuzzy = "fuzzy_match"
        case prefix = "pre_match"
        case suffix = "suf_match"
        case full = "full_match"
    }

    /// Domain states a query can filter on.
    public enum DomainStatus: String, Sendable, CaseIterable {
        case online, offline, configuring
        case configureFailed = "configure_failed"
        case checking
        case checkFailed = "check_failed"
    }

    public var pageSize: Int?
    public var pageNumber: Int?
    public var domainName: String?
    public var searchType: SearchType?
    public var domainStatus: DomainStatus?
    /// Tag filters (at most 20).
    public var tags: [(key: String, value: String)]

    public init(
        pageSize: Int? = nil, pageNumber: Int? = nil, domainName: String? = nil, searchType: SearchType? = nil,
        domainStatus: DomainStatus? = nil, tags: [(key: String, value: String)] = []
    ) {
        self.pageSize = pageSize
        self.pageNumber = pageNumber
        self.domainName = domainName
        self.searchType = searchType
        self.domainStatus = domainStatus
        self.tags = tags
    }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        var builder = ParameterBuilder(action: Self.action)
        try builder.check("PageSize", pageSize, in: 1...Self.maxPageSize)
        try builder.check("PageNumber", pageNumber, in: 1...Int(Int32.max))
        guard tags.count <= 20 else { throw builder.fail("at most 20 tags, got \(tags.count)") }
        builder.set("PageSize", pageSize)
        builder.set("PageNumber", pageNumber)
        builder.set("DomainName", domainName)
        builder.set("DomainSearchType", searchType?.rawValue)
        builder.set("DomainStatus", domainStatus?.rawValue)
        for (index, tag) in tags.enumerated() {
            builder.set("Tag.\(index + 1).Key", tag.key)
            builder.set("Tag.\(index + 1).Value", tag.value)
        }
        return builder.parameters
    }

    /// One domain.
    public struct Domain: Sendable, Equatable {
        public var name: String
        public var cname: String
        /// `online`, `offline`, … (kept as text: the API may add states).
        public var status: String
        /// Whether HTTPS is on.
        public var sslEnabled: Bool
        public var createdAt: Int64?
        public var modifiedAt: Int64?
        public var description: String
    }

    /// One page of domains.
    public struct Response: Sendable, Equatable {
        public var requestId: String
        public var pageNumber: Int
        public var pageSize: Int
        public var totalCount: Int
        public var domains: [Domain]
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        let domains = try body.nestedArray("Domains", "PageData").map { entry throws(ResponseDecodingError) in
            Domain(
                name: try entry.string("DomainName"),
                cname: try entry.optionalString("Cname") ?? "",
                status: try entry.optionalString("DomainStatus") ?? "",
                sslEnabled: try entry.optionalString("SslProtocol") == "on",
                createdAt: try entry.timestamp("GmtCreated"),
                modifiedAt: try entry.timestamp("GmtModified"),
                description: try entry.optionalString("Description") ?? "")
        }
        return Response(
            requestId: try body.optionalString("RequestId") ?? "",
            pageNumber: try body.integer("PageNumber") ?? 1,
            pageSize: try body.integer("PageSize") ?? domains.count,
            totalCount: try body.integer("TotalCount") ?? domains.count,
            domains: domains)
    }
}

extension DescribeVodUserDomains: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.pageSize == rhs.pageSize && lhs.pageNumber == rhs.pageNumber && lhs.domainName == rhs.domainName
            && lhs.searchType == rhs.searchType && lhs.domainStatus == rhs.domainStatus
            && lhs.tags.elementsEqual(rhs.tags) { $0.key == $1.key && $0.value == $1.value }
    }
}
