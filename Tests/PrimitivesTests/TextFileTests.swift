import Foundation
import Primitives
import Testing

/// File errors read in plain words with the path they concern, never a framework's error codes.
@Suite struct TextFileTests {
    @Test func readsTextAndSaysWhyNot() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("textfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("domains.txt").path
        try "a.example.com\nb.example.com\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try TextFile.read(path) == "a.example.com\nb.example.com\n")

        #expect(throws: TextFile.ReadError(path: folder.path + "/missing", reason: "No such file or directory")) {
            try TextFile.read(folder.path + "/missing")
        }
        #expect(throws: TextFile.ReadError(path: folder.path, reason: "it is a directory")) { try TextFile.read(folder.path) }
        #expect(throws: TextFile.ReadError(path: path, reason: "larger than 10 bytes")) { try TextFile.read(path, maxBytes: 10) }
        let error = TextFile.ReadError(path: "/x", reason: "Permission denied")
        #expect(error.description == "cannot read /x: Permission denied")
    }
}
