import WebServer

/// The small HTML page served at `/`: name, version and links.
public enum LandingPage {
    /// The page for a product `name`/`version` whose metrics are at `telemetryPath`.
    public static func html(name: String, version: String, telemetryPath: String) -> [UInt8] {
        let path = escape(telemetryPath)
        return Array("""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>\(escape(name))</title></head>
            <body>
            <h1>\(escape(name)) \(escape(version))</h1>
            <p>Prometheus exporter for Alibaba Cloud ApsaraVideo VOD CDN domains.</p>
            <ul>
            <li><a href="\(path)">Metrics</a> (\(path))</li>
            <li><a href="/-/healthy">Health</a> (/-/healthy)</li>
            <li><a href="/-/ready">Readiness</a> (/-/ready: ready while data arrives; otherwise the reason)</li>
            </ul>
            </body>
            </html>

            """.utf8)
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
