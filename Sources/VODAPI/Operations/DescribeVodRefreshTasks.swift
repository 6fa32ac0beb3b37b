/// Refresh and preload tasks of the last three days, one page at a time.
public struct DescribeVodRefreshTasks: VODOperation {
    public static let action = "DescribeVodRefreshTasks"
    public static let maxPageSize = 50

    /// The task kinds, as the API spells them in this operation (lowercase).
    public enum ObjectType: String, Sendable, CaseIterable {
        case file
        case directory
        case preload
    }

    /// Task states a query can filter on.
    public enum Status: String, Sendable, CaseIterable {
        case complete = "Complete"
        case refreshing = "Refreshing"
        case failed = "Failed"
    }

    public var taskId: String?
    public var objectPath: String?
    public var pageNumber: Int?
    public var pageSize: Int?
    public var objectType: ObjectType?
    public var domainName: String?
    public var status: Status?
    public var startTime: Int64?
    public var endTime: Int64?

    public init(
        taskId: String? = nil, objectPath: String? = nil, pageNumber: Int? = nil, pageSize: Int? = nil,
        objectType: ObjectType? = nil, domainName: String? = nil, status: Status? = nil,
        startTime: Int64? = nil, endTime: Int64? = nil
    ) {
        self.taskId = taskId
        self.objectPath = objectPath
        self.pageNumber = pageNumber
        self.pageSize = pageSize
        self.objectType = objectType
        self.domainName = domainName
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
    }

    public func parameters() throws(RequestValidationError) -> [String: String] {
        var builder = ParameterBuilder(action: Self.action)
        try builder.check("PageNumber", pageNumber, in: 1...42_949_672)
        try builder.check("PageSize", pageSize, in: 1...Self.maxPageSize)
        if (domainName != nil || status != nil) && objectType == nil {
            throw builder.fail("ObjectType is required when DomainName or Status is set")
        }
        if let taskId, taskId.isEmpty || !taskId.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            throw builder.fail("TaskId must be digits, got '\(taskId.prefix(40))'")
        }
        builder.set("TaskId", taskId)
        builder.set("ObjectPath", objectPath)
        builder.set("PageNumber", pageNumber)
        builder.set("PageSize", pageSize)
        builder.set("ObjectType", objectType?.rawValue)
        if let domainName {
            try builder.setDomains([domainName], limit: 1, required: true)
        }
        builder.set("Status", status?.rawValue)
        try builder.setTimeRange(start: startTime, end: endTime, maxSpanSeconds: 3 * 86_400)
        return builder.parameters
    }

    /// One task as the API reports it.
    public struct Task: Sendable, Equatable {
        public var taskId: String
        public var objectPath: String
        /// `file`, `directory` or `preload` (kept as text: the API may add kinds).
        public var objectType: String
        /// `Complete`, `Refreshing`, `Failed` or `Pending`.
        public var status: String
        /// Progress such as `100%`.
        public var process: String?
        public var creationTime: Int64?
        /// The failure reason, e.g. `Origin Timeout`.
        public var description: String?
    }

    /// One page of tasks.
    public struct Response: Sendable, Equatable {
        public var requestId: String
        public var pageNumber: Int
        public var pageSize: Int
        public var totalCount: Int
        public var tasks: [Task]
    }

    public static func decodeResponse(_ body: JSONCursor) throws(ResponseDecodingError) -> Response {
        let tasks = try body.nestedArray("Tasks", "Task").map { entry throws(ResponseDecodingError) in
            Task(
                taskId: try entry.string("TaskId"),
                objectPath: try entry.optionalString("ObjectPath") ?? "",
                objectType: try entry.optionalString("ObjectType") ?? "",
                status: try entry.string("Status"),
                process: try entry.optionalString("Process"),
                creationTime: try entry.timestamp("CreationTime"),
                description: try entry.optionalString("Description").flatMap { $0.isEmpty ? nil : $0 })
        }
        return Response(
            requestId: try body.optionalString("RequestId") ?? "",
            pageNumber: try body.integer("PageNumber") ?? 1,
            pageSize: try body.integer("PageSize") ?? tasks.count,
            totalCount: try body.integer("TotalCount") ?? tasks.count,
            tasks: tasks)
    }
}
