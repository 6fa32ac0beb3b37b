/// The aliyun CLI's `~/.aliyun/config.json`: `{"current": "...", "profiles": [{name, mode, ...}]}`.
public enum CLIConfigFile {
    /// The source of profile `profileName` (or the file's `current`).
    /// - Throws: ``CredentialsError`` when the file, the profile or its mode is unusable.
    public static func source(fromJSON text: String, profileName: String?, path: String, now: Double) throws(CredentialsError) -> CredentialSource {
        let origin = "\(path)"
        guard let value = try? JSONValue.parse(Array(text.utf8)), case .object = value else {
            throw CredentialsError(source: origin, problem: "is not a JSON object")
        }
        let root = JSONCursor(value)
        let wanted = profileName ?? ((try? root.optionalString("current")) ?? nil) ?? "default"
        let profiles = (try? root.array("profiles")) ?? []
        guard let profile = profiles.first(where: { ((try? $0.optionalString("name")) ?? nil) == wanted }) else {
            throw CredentialsError(source: origin, problem: "has no profile named '\(wanted)'")
        }
        let where_ = "profile '\(wanted)' in \(path)"
        func field(_ key: String) -> String? {
            guard let text = (try? profile.optionalString(key)) ?? nil, !text.isEmpty else { return nil }
            return text
        }
        func required(_ key: String) throws(CredentialsError) -> String {
            guard let text = field(key) else { throw CredentialsError(source: where_, problem: "is missing '\(key)'") }
            return text
        }
        func key() throws(CredentialsError) -> Credentials {
            Credentials(accessKeyId: try required("access_key_id"), accessKeySecret: try required("access_key_secret"))
        }
        func session(_ nameKey: String) throws(CredentialsError) -> STSClient.RoleSession {
            let seconds = field("expired_seconds").flatMap(Int.init) ?? 3600
            return STSClient.RoleSession(
                roleArn: try required("ram_role_arn"), sessionName: field(nameKey) ?? defaultSessionName(now: now),
                durationSeconds: seconds, policy: field("policy"), externalId: field("external_id"))
        }
        let vpc = field("enable_vpc") == "true"
        let mode = field("mode") ?? "AK"
        switch mode {
        case "AK":
            return .staticKey(try key())
        case "StsToken":
            let base = try key()
            return .staticKey(
                Credentials(accessKeyId: base.accessKeyId, accessKeySecret: base.accessKeySecret, securityToken: try required("sts_token")))
        case "RamRoleArn":
            return .ramRoleArn(source: try key(), session: try session("ram_session_name"), stsRegion: field("sts_region"), vpc: vpc)
        case "EcsRamRole":
            return .ecsRamRole(roleName: field("ram_role_name"))
        case "OIDC":
            return .oidc(
                session: try session("role_session_name"), providerArn: try required("oidc_provider_arn"),
                tokenFile: try required("oidc_token_file"), stsRegion: field("sts_region"), vpc: vpc)
        default:
            throw CredentialsError(source: where_, problem: "uses mode '\(mode)', which is not supported (use AK, StsToken, RamRoleArn, EcsRamRole or OIDC)")
        }
    }
}
