import Foundation
import VODAPI

#if canImport(Glibc)
import Glibc
#endif

/// Entry point. The agent, the operator commands and the simulator are added as they land;
/// for now the binary reports its version and usage.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    \(ProductVersion.name) \(ProductVersion.version): Prometheus exporter and operator CLI for Alibaba Cloud ApsaraVideo VOD CDN.

    Usage:
      \(ProductVersion.name) --version    print the version
      \(ProductVersion.name) --help       print this help

    """
switch arguments.first {
case "--version", "version":
    print("\(ProductVersion.name) \(ProductVersion.version)")
case "--help", "-h", "help", nil:
    print(usage, terminator: "")
default:
    FileHandleStandardError.write("unknown command '\(arguments[0])'\n\n" + usage)
    exit(64)
}

/// Writes to standard error.
enum FileHandleStandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
