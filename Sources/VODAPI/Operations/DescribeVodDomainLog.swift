/// Download links of a domain's raw CDN access logs, one page at a time.
public struct DescribeVodDomainLog: VODOperation {
    public static let action = "DescribeVodDomainLog"
    public static let maxPageSize = 1000

    public var domainName: String
    public var pageSize: Int?
    public var pageNumber: Int?
    public var startTime: Int64?
    public var endTime: Int64?

    public init(domainName: String, pageSize: Int? = nil, pageNumber: Int? = nil, startTime: Int64? = nil, endTime: Int64? = nil) {
        self.domainName = domainName
        self.pageSize = pageSize
        self.pageNumber = pageNumber
        self.startTime = startTime
        self.endTime = endTime
    }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        var builder = ParameterBuilder(action: Self.action)
        try builder.setDomains([domainName], limit: 1, required: true)
        try builder.check("PageSize", pageSize, in: 1...Self.maxPageSize)
        try builder.check("PageNumber", pageNumber, in: 1...Int(Int32.max))
        builder.set("PageSize", pageSize)
        builder.set("PageNumber", pageNumber)
        try builder.setTimeRange(start: startTime, end: endTime, maxSpanSeconds: 366 * 86_400)
        return builder.parameters
    }

    /// One log file.
    public struct LogFile: Sendable, Equatable {
        public var name: String
        /// An absolute https URL (the API omits the scheme; it is added here). Pre-signed and
        /// expiring: treat it as a secret-bearing URL and never log it.
        public var url: String
        public var size: Int
        public var startTime: Int64?
        public var endTime: Int64?
    }

    /// One page of log files.
    public struct Response: Sendable, Equatable {
        public var requestId: String
        public var pageNumber: Int
        public var pageSize: Int
        public var total: Int
        public var files: [LogFile]
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        let details = try body.nestedArray("DomainLogDetails", "DomainLogDetail")
        var files: [LogFile] = []
        var pageNumber = 1, pageSize = 0, total = 0
        for detail in details {
            if let pages = try detail.optionalObject("PageInfos") {
                pageNumber = try pages.integer("PageNumber") ?? pageNumber
                pageSize = try pages.integer("PageSize") ?? pageSize
                total = try pages.integer("Total") ?? total
            }
            for entry in try detail.nestedArray("LogInfos", "LogInfoDetail") {
                let path = try entry.string("LogPath")
                let url = path.hasPrefix("https://") || path.hasPrefix("http://") ? path : "https://\(path)"
                files.append(
                    LogFile(
                        name: try entry.string("LogName"),
                        url: url,
                        size: try entry.integer("LogSize") ?? 0,
                        startTime: try entry.timestamp("StartTime"),
                        endTime: try entry.timestamp("EndTime")))
            }
        }
        return Response(
            requestId: try body.optionalString("RequestId") ?? "", pageNumber: pageNumber,
            pageSize: pageSize, total: max(total, files.count), files: files)
    }
}
