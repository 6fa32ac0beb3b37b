import Flags
import Primitives
import VODAPI

/// `quota`: today's refresh and preload quotas.
struct QuotaCommand: OperatorCommand {
    static let name = "quota"
    static let summary = "refresh and preload quotas and what remains today (DescribeVodRefreshQuota)"
    static let usage = """
        \(ProductVersion.name) quota

        Example:
          \(ProductVersion.name) quota --output json
        """
    static let takesArguments = false
    static let flags: [any FlagDeclaration] = []

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let quota = try await session.call(DescribeVodRefreshQuota())
        let kinds = [("url", quota.url), ("directory", quota.directory), ("preload", quota.preload)] + (quota.block.map { [("block", $0)] } ?? [])
        session.emit(
            table: TextTable.render(["KIND", "QUOTA", "REMAINING", "USED"], kinds.map { kind, allowance in
                [kind, String(Int(allowance.quota)), String(Int(allowance.remaining)), String(Int(allowance.quota - allowance.remaining))]
            }),
            json: ["quota": .object(Dictionary(uniqueKeysWithValues: kinds.map { ($0.0, ["quota": JSONValue(Int($0.1.quota)), "remaining": JSONValue(Int($0.1.remaining))]) }))])
        return ExitStatus.success
    }
}

/// `domains`: the account's VOD CDN domains.
struct DomainsCommand: OperatorCommand {
    static let name = "domains"
    static let summary = "the account's VOD CDN domains, all pages (DescribeVodUserDomains)"
    static let usage = """
        \(ProductVersion.name) domains [--status online|offline|configuring|configure_failed|checking|check_failed]

        Example:
          \(ProductVersion.name) domains --status online
        """
    static let takesArguments = false
    static let status = Flag.optionalChoice("status", placeholder: "STATUS",
        expected: DescribeVodUserDomains.DomainStatus.allCases.map(\.rawValue).joined(separator: ", "),
        help: "Only domains in this state.") { DescribeVodUserDomains.DomainStatus(rawValue: $0) }
    static let flags: [any FlagDeclaration] = [status]

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        let status = try session.value(Self.status)
        let domains: [DescribeVodUserDomains.Domain]
        do {
            domains = try await session.client.allUserDomains(status: status)
        } catch {
            throw .api(error)
        }
        session.emit(
            table: TextTable.render(["DOMAIN", "CNAME", "STATUS", "HTTPS", "CREATED"], domains.map {
                [$0.name, $0.cname, $0.status, $0.sslEnabled ? "on" : "off", $0.createdAt.map(UTCTimestamp.format) ?? ""]
            }),
            json: ["domains": .array(domains.map { ["domain": .string($0.name), "cname": JSONValue($0.cname), "status": .string($0.status), "https": .bool($0.sslEnabled)] })])
        return ExitStatus.success
    }
}
