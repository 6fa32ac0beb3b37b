/// The product's name and version, shown by `--version`, the User-Agent and build info.
public enum ProductVersion {
    public static let name = "vodcdn-exporter"
    public static let version = "0.1.0"
    /// The User-Agent sent with API requests.
    public static var userAgent: String { "\(name)/\(version)" }
}
