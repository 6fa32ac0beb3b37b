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

        #expect(throws: TextFile.FileError(.read, path: folder.path + "/missing", reason: "No such file or directory")) {
            try TextFile.read(folder.path + "/missing")
        }
        #expect(throws: TextFile.FileError(.read, path: folder.path, reason: "it is a directory")) { try TextFile.read(folder.path) }
        #expect(throws: TextFile.FileError(.read, path: path, reason: "larger than 10 bytes")) { try TextFile.read(path, maxBytes: 10) }
        #expect(TextFile.FileError(.read, path: "/x", reason: "Permission denied").description == "cannot read /x: Permission denied")
        // Writing, and folders: the same plain words.
        let written = folder.appendingPathComponent("out.txt").path
        try TextFile.write("a\nb\n", to: written)
        #expect(try TextFile.read(written) == "a\nb\n")
        #expect(throws: TextFile.FileError(.write, path: folder.path + "/no/such/out.txt", reason: "No such file or directory")) {
            try TextFile.write("x", to: folder.path + "/no/such/out.txt")
        }
        try Directory.create(folder.path + "/logs/2026/11")
        #expect(throws: TextFile.FileError(.write, path: path, reason: "it exists and is not a folder")) { try Directory.create(path + "/sub") }
    }
}
