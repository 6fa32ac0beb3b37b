import Foundation
import Testing

/// Package.swift says what each module may use: every dependency a target declares is imported
/// by one of its files, and every module of ours a file imports is declared.
@Suite struct PackageBordersTests {
    struct Target {
        let name: String
        let folder: URL
        let dependencies: Set<String>
    }

    static func manifest() throws -> String {
        try String(contentsOf: PrometheusEndToEndTests.repository.appendingPathComponent("Package.swift"), encoding: .utf8)
    }

    /// Every name the manifest gives a target or product.
    static func names() throws -> Set<String> {
        Set(try manifest().components(separatedBy: "name: \"").dropFirst().map { String($0.prefix { $0 != "\"" }) })
    }

    /// The targets with dependencies, read from the manifest's text (running SwiftPM from a test
    /// would wait for the build's lock).
    static func targets() throws -> [Target] {
        let root = PrometheusEndToEndTests.repository
        return try manifest().components(separatedBy: "name: \"").dropFirst().compactMap { chunk in
            let name = String(chunk.prefix { $0 != "\"" })
            guard let list = chunk.range(of: "dependencies: ["), let end = chunk[list.upperBound...].firstIndex(of: "]") else { return nil }
            let dependencies = chunk[list.upperBound..<end].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \n\"")) }
            let path = chunk.range(of: "path: \"").map { String(chunk[$0.upperBound...].prefix { $0 != "\"" }) }
            let folder = path ?? (name.hasSuffix("Tests") ? "Tests/\(name)" : "Sources/\(name)")
            return Target(name: name, folder: root.appendingPathComponent(folder), dependencies: Set(dependencies))
        }
    }

    static func imports(in folder: URL) throws -> Set<String> {
        var modules: Set<String> = []
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ")
                if let index = words.firstIndex(of: "import"), index <= 1, index + 1 < words.count { modules.insert(String(words[index + 1])) }
            }
        }
        return modules
    }

    @Test func everyDeclaredModuleIsImportedAndEveryImportDeclared() throws {
        let targets = try Self.targets()
        let ours = try Self.names()
        #expect(targets.count >= 20, "the manifest was read")
        for target in targets {
            let imported = try Self.imports(in: target.folder)
            // C modules and the executable under test are used without a Swift import of their name.
            let unused = target.dependencies.filter { !imported.contains($0) && !$0.hasPrefix("C") && $0 != "vodcdn-exporter" }
            #expect(unused.isEmpty, "\(target.name) declares \(unused.sorted()) but never imports them")
            let undeclared = imported.filter { ours.contains($0) && !target.dependencies.contains($0) && $0 != target.name }
            #expect(undeclared.isEmpty, "\(target.name) imports \(undeclared.sorted()) without declaring them")
        }
    }
}
