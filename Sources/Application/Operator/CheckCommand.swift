import Flags
import FoundationEssentials
import HTTPClient
import Primitives
import VODAPI

/// `check`: diagnoses the setup, each finding with a verdict and the fix.
struct CheckCommand: OperatorCommand {
    static let name = "check"
    static let summary = "diagnose credentials, HTTP client, endpoint, clock and API permissions, with fixes"
    static let usage = """
        \(ProductVersion.name) check [--domain D]

        Checks, in order: which credential source (and profile) the default chain picks; whether libcurl (the
        HTTP client) loads; whether the endpoint answers; whether this machine's clock is within
        the signature window; and which operations the credentials may call (read-only calls;
        refresh and preload are not sent, they use quota). Each failure comes with its fix.

        Example:
          \(ProductVersion.name) check --domain video.example.com
        """
    static let takesArguments = false
    static let domain = Flag.optionalString("domain", placeholder: "NAME", help: "A domain for the per-domain checks (default: the first one found).")
    static let flags: [any FlagDeclaration] = [domain]

    struct Finding {
        let name: String
        let verdict: String  // ok, warn, fail, skip
        let detail: String
        let fix: String
    }

    static func run(_ session: OperatorSession) async throws(CommandFailure) -> Int32 {
        var findings: [Finding] = []
        // 1. Credentials.
        var haveCredentials = false
        do {
            let credentials = try await session.credentials.credentials()
            var source = session.credentials.provider.sourceDescription
            if let chain = session.credentials.provider as? ChainCredentialsProvider, let picked = await chain.selected {
                source = picked.sourceDescription
            }
            let id = credentials.accessKeyId
            let masked = id.count > 8 ? "\(id.prefix(4))…\(id.suffix(4))" : "…"
            let expiry = credentials.expiration.map { ", temporary until \(UTCTimestamp.format($0))" } ?? ""
            // Which profile a file source used: --profile, ALIBABA_CLOUD_PROFILE, or the file's own choice.
            let named = session.api.profile ?? session.environment["ALIBABA_CLOUD_PROFILE"]
            let profile = source.hasPrefix("cli profile") || source.hasPrefix("credentials file")
                ? ", profile \(named ?? "(the file's current or default)")" : ""
            findings.append(Finding(name: "credentials", verdict: "ok", detail: "from \(source)\(profile) (AccessKeyId \(masked)\(expiry))", fix: ""))
            haveCredentials = true
        } catch {
            findings.append(Finding(name: "credentials", verdict: "fail", detail: Redaction.scrub("\(error)", values: []),
                                    fix: "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure ~/.aliyun/config.json, or run on ECS with a RAM role"))
        }
        // 2. The HTTP client: libcurl, loaded at run time.
        if let reason = CurlTransport.loadFailure {
            findings.append(Finding(name: "http client", verdict: "fail", detail: reason,
                                    fix: "install libcurl (Debian, Ubuntu: apt-get install libcurl4; Fedora, RHEL: dnf install libcurl)"))
        } else {
            findings.append(Finding(name: "http client", verdict: "ok", detail: "libcurl", fix: ""))
        }
        // 3. Endpoint and 4. clock, from an unsigned request's answer.
        let endpoint = session.api.client.endpoint
        do {
            let response = try await StandardTransport.make().send(HTTPRequest(method: .get, url: endpoint.description + "/"), timeout: session.api.client.requestTimeout)
            findings.append(Finding(name: "endpoint", verdict: "ok",
                                    detail: "\(endpoint) answers (HTTP \(response.status), through libcurl)", fix: ""))
            if let date = response.headers["date"], let server = UTCTimestamp.parseHTTPDate(date) {
                let skew = session.now() - server
                let verdict = abs(skew) > 900 ? "fail" : abs(skew) > 300 ? "warn" : "ok"
                findings.append(Finding(name: "clock", verdict: verdict, detail: "this machine is \(skew) s \(skew >= 0 ? "ahead of" : "behind") the endpoint",
                                        fix: verdict == "ok" ? "" : "synchronise the clock (chrony or systemd-timesyncd): signatures older than 15 minutes are refused"))
            } else {
                findings.append(Finding(name: "clock", verdict: "skip", detail: "the endpoint sent no Date header", fix: ""))
            }
        } catch {
            findings.append(Finding(name: "endpoint", verdict: "fail", detail: "\(endpoint): \(error)",
                                    fix: error.kind == .clientUnavailable
                                        ? "see http client" : "check DNS, the proxy variables (lowercase https_proxy), firewalls, and --aliyun.endpoint"))
        }
        // 5. Permissions, one read call per operation.
        if haveCredentials {
            var domain = try? session.flags.value(Self.domain)
            let end = session.now() / 300 * 300
            func probe(_ name: String, _ call: () async throws(VODClientError) -> Void) async {
                do {
                    try await call()
                    findings.append(Finding(name: name, verdict: "ok", detail: "allowed", fix: ""))
                } catch {
                    let code = error.apiError?.code ?? error.resultLabel
                    let denied = code.hasPrefix("Forbidden") || code == "NoPermission"
                    findings.append(Finding(name: name, verdict: "fail", detail: denied ? "denied (\(code))" : "\(error)",
                                            fix: ErrorAdvice.fix(for: error, action: name)))
                }
            }
            await probe("DescribeVodUserDomains") { () throws(VODClientError) in
                let answer = try await session.client.call(DescribeVodUserDomains(pageSize: 1, pageNumber: 1))
                domain = domain ?? answer.domains.first?.name
            }
            await probe("DescribeVodRefreshQuota") { () throws(VODClientError) in _ = try await session.client.call(DescribeVodRefreshQuota()) }
            await probe("DescribeVodRefreshTasks") { () throws(VODClientError) in _ = try await session.client.call(DescribeVodRefreshTasks(pageNumber: 1, pageSize: 1)) }
            if let domain {
                let query = DomainDataQuery(domainNames: [domain], startTime: end - 3600, endTime: end, interval: .fiveMinutes)
                await probe("DescribeVodDomainTrafficData") { () throws(VODClientError) in _ = try await session.client.call(DescribeVodDomainTrafficData(query: query)) }
                await probe("DescribeVodDomainBpsData") { () throws(VODClientError) in _ = try await session.client.call(DescribeVodDomainBpsData(query: query)) }
                await probe("DescribeVodDomainLog") { () throws(VODClientError) in _ = try await session.client.call(DescribeVodDomainLog(domainName: domain, pageSize: 1)) }
                await probe("DescribeVodDomainRealTimeDetailData") { () throws(VODClientError) in
                    _ = try await session.client.call(DescribeVodDomainRealTimeDetailData(domainNames: [domain], startTime: end - 600, endTime: end))
                }
            } else {
                findings.append(Finding(name: "per-domain operations", verdict: "skip", detail: "no domain found or given", fix: "pass --domain NAME"))
            }
            findings.append(Finding(name: "RefreshVodObjectCaches, PreloadVodObjectCaches", verdict: "skip", detail: "not sent: they use quota",
                                    fix: "refresh and preload need the RAM actions vod:RefreshVodObjectCaches and vod:PreloadVodObjectCaches"))
        }
        session.emit(
            table: FindingList.render(findings.map { ($0.name, $0.verdict, $0.detail, $0.fix) }),
            json: ["checks": .array(findings.map { ["name": .string($0.name), "verdict": .string($0.verdict), "detail": .string($0.detail), "fix": .string($0.fix)] })])
        return findings.contains { $0.verdict == "fail" } ? ExitStatus.failure : ExitStatus.success
    }
}
