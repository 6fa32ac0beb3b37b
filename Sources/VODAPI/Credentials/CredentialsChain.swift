/// The default credential chain, in the order the official SDKs use:
/// 1. environment access key (`ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`, optional `_SECURITY_TOKEN`);
/// 2. OIDC / RRSA (`ALIBABA_CLOUD_ROLE_ARN`, `_OIDC_PROVIDER_ARN`, `_OIDC_TOKEN_FILE`);
/// 3. the aliyun CLI profile in `~/.aliyun/config.json`;
/// 4. the INI credentials file (`ALIBABA_CLOUD_CREDENTIALS_FILE`, else
///    `~/.alibabacloud/credentials.ini`, else `~/.alibabacloud/credentials`);
/// 5. the ECS RAM role through the instance metadata service;
/// 6. `ALIBABA_CLOUD_CREDENTIALS_URI`.
///
/// ``plan(environment:homeDirectory:files:now:)`` is pure: it reads the environment and files
/// and says, step by step, what each source would be or why it is skipped.
public enum CredentialsChain {
    /// One step of the chain and what became of it.
    public struct Step: Sendable, Equatable {
        public var name: String
        public var outcome: Outcome
    }

    /// A step's result.
    public enum Outcome: Sendable, Equatable {
        /// This step is configured and yields this source.
        case source(CredentialSource)
        /// Not configured here; the reason says what was looked for.
        case skipped(String)
        /// Configured, but unusable.
        case failed(CredentialsError)
    }

    /// Works out every step of the chain.
    public static func plan(environment: [String: String], homeDirectory: String?, files: any FileReader, now: Double) -> [Step] {
        func env(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingWhitespace(), !value.isEmpty else { return nil }
            return value
        }
        func isTrue(_ name: String) -> Bool { env(name)?.lowercased() == "true" }
        var steps: [Step] = []

        // 1. Environment.
        switch (env("ALIBABA_CLOUD_ACCESS_KEY_ID"), env("ALIBABA_CLOUD_ACCESS_KEY_SECRET")) {
        case (let id?, let secret?):
            let credentials = Credentials(accessKeyId: id, accessKeySecret: secret, securityToken: env("ALIBABA_CLOUD_SECURITY_TOKEN"))
            steps.append(Step(name: "environment", outcome: .source(.staticKey(credentials))))
        case (nil, nil):
            steps.append(Step(name: "environment", outcome: .skipped("ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set")))
        default:
            steps.append(Step(name: "environment", outcome: .failed(CredentialsError(
                source: "environment", problem: "only one of ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET is set"))))
        }

        // 2. OIDC / RRSA.
        if let role = env("ALIBABA_CLOUD_ROLE_ARN"), let provider = env("ALIBABA_CLOUD_OIDC_PROVIDER_ARN"),
            let tokenFile = env("ALIBABA_CLOUD_OIDC_TOKEN_FILE")
        {
            let session = STSClient.RoleSession(
                roleArn: role, sessionName: env("ALIBABA_CLOUD_ROLE_SESSION_NAME") ?? defaultSessionName(now: now))
            steps.append(Step(name: "oidc", outcome: .source(.oidc(
                session: session, providerArn: provider, tokenFile: tokenFile,
                stsRegion: env("ALIBABA_CLOUD_STS_REGION"), vpc: isTrue("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED")))))
        } else {
            steps.append(Step(name: "oidc", outcome: .skipped("ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE are not all set")))
        }

        // 3. aliyun CLI profile.
        let profile = env("ALIBABA_CLOUD_PROFILE")
        if isTrue("ALIBABA_CLOUD_CLI_PROFILE_DISABLED") {
            steps.append(Step(name: "cli profile", outcome: .skipped("ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true")))
        } else if let home = homeDirectory {
            let path = "\(home)/.aliyun/config.json"
            steps.append(Step(name: "cli profile", outcome: fileOutcome(path: path, files: files) { text throws(CredentialsError) in
                try CLIConfigFile.source(fromJSON: text, profileName: profile, path: path, now: now)
            }))
        } else {
            steps.append(Step(name: "cli profile", outcome: .skipped("no home directory")))
        }

        // 4. INI credentials file.
        var iniPaths: [String] = []
        if let explicit = env("ALIBABA_CLOUD_CREDENTIALS_FILE") {
            iniPaths = [explicit]
        } else if let home = homeDirectory {
            iniPaths = ["\(home)/.alibabacloud/credentials.ini", "\(home)/.alibabacloud/credentials"]
        }
        let section = profile ?? "default"
        var iniOutcome = Outcome.skipped(iniPaths.isEmpty ? "no home directory" : "\(iniPaths.joined(separator: " and ")) not found")
        for path in iniPaths {
            let outcome = fileOutcome(path: path, files: files) { text throws(CredentialsError) in
                try CredentialsINIFile.source(fromINI: text, section: section, path: path, now: now)
            }
            if case .skipped = outcome { continue }
            iniOutcome = outcome
            break
        }
        steps.append(Step(name: "credentials file", outcome: iniOutcome))

        // A profile asked for by name that neither file has is an error, not a reason to fall
        // through to the machine's own role.
        let profileFound = steps.suffix(2).contains { if case .source = $0.outcome { true } else { false } }
        if let profile, !profileFound {
            let reason = "profile '\(profile)' was asked for (ALIBABA_CLOUD_PROFILE or --profile) and is in no credentials file"
            steps.append(Step(name: "ecs ram role", outcome: .skipped(reason)))
            steps.append(Step(name: "credentials uri", outcome: .skipped(reason)))
            return steps
        }

        // 5. ECS RAM role.
        if isTrue("ALIBABA_CLOUD_ECS_METADATA_DISABLED") {
            steps.append(Step(name: "ecs ram role", outcome: .skipped("ALIBABA_CLOUD_ECS_METADATA_DISABLED=true")))
        } else {
            steps.append(Step(name: "ecs ram role", outcome: .source(.ecsRamRole(roleName: env("ALIBABA_CLOUD_ECS_METADATA")))))
        }

        // 6. Credentials URI.
        if let uri = env("ALIBABA_CLOUD_CREDENTIALS_URI") {
            steps.append(Step(name: "credentials uri", outcome: .source(.uri(uri))))
        } else {
            steps.append(Step(name: "credentials uri", outcome: .skipped("ALIBABA_CLOUD_CREDENTIALS_URI is not set")))
        }
        return steps
    }

    private static func fileOutcome(
        path: String, files: any FileReader, parse: (String) throws(CredentialsError) -> CredentialSource
    ) -> Outcome {
        let text: String?
        do {
            text = try files.readText(path)
        } catch {
            return .failed(CredentialsError(source: path, problem: "cannot be read"))
        }
        guard let text else { return .skipped("\(path) not found") }
        do {
            return .source(try parse(text))
        } catch {
            return .failed(error)
        }
    }
}
