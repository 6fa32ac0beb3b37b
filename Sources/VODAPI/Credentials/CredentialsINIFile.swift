/// The shared credentials file in INI form (`~/.alibabacloud/credentials[.ini]`): one
/// `[section]` per profile with a `type` key.
public enum CredentialsINIFile {
    /// Parses INI text into sections of key/value pairs. Lines starting with `#` or `;` are
    /// comments, and an inline ` #` comment is stripped from values as the Python SDK does.
    public static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(rawLine).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = String(line.dropFirst().dropLast()).trimmingWhitespace()
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingWhitespace()
            var value = String(line[line.index(after: equals)...])
            if let comment = value.firstRange(of: " #") { value = String(value[..<comment.lowerBound]) }
            sections[section, default: [:]][key] = value.trimmingWhitespace()
        }
        return sections
    }

    /// The source of profile `section` in the file at `path`.
    public static func source(fromINI text: String, section: String, path: String, now: Double) throws(CredentialsError) -> CredentialSource {
        guard let values = parse(text)[section] else {
            throw CredentialsError(source: path, problem: "has no section [\(section)]")
        }
        let where_ = "[\(section)] in \(path)"
        func field(_ key: String) -> String? {
            guard let text = values[key], !text.isEmpty else { return nil }
            return text
        }
        func required(_ key: String) throws(CredentialsError) -> String {
            guard let text = field(key) else { throw CredentialsError(source: where_, problem: "is missing '\(key)'") }
            return text
        }
        func session() throws(CredentialsError) -> STSClient.RoleSession {
            STSClient.RoleSession(
                roleArn: try required("role_arn"), sessionName: field("role_session_name") ?? defaultSessionName(now: now),
                policy: field("policy"))
        }
        let type = field("type") ?? "access_key"
        switch type {
        case "access_key":
            return .staticKey(Credentials(accessKeyId: try required("access_key_id"), accessKeySecret: try required("access_key_secret")))
        case "ecs_ram_role":
            return .ecsRamRole(roleName: field("role_name"))
        case "ram_role_arn":
            let key = Credentials(accessKeyId: try required("access_key_id"), accessKeySecret: try required("access_key_secret"))
            return .ramRoleArn(source: key, session: try session(), stsRegion: field("sts_region"), vpc: false)
        case "oidc_role_arn":
            return .oidc(
                session: try session(), providerArn: try required("oidc_provider_arn"),
                tokenFile: try required("oidc_token_file_path"), stsRegion: field("sts_region"), vpc: false)
        default:
            throw CredentialsError(source: where_, problem: "has type '\(type)', which is not supported (use access_key, ecs_ram_role, ram_role_arn or oidc_role_arn)")
        }
    }
}
