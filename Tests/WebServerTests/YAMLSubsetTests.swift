import Testing
import TestSupport
@testable import WebServer

@Suite struct YAMLSubsetTests {
    typealias Node = YAMLSubset.Node

    @Test func aWebConfigurationFile() throws {
        let text = """
            # The exporter's web configuration.
            ---
            tls_server_config:
              cert_file: server.crt   # relative to this file
              key_file: "server.key"
              client_auth_type: RequireAndVerifyClientCert
              cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']
              client_allowed_sans:
              - prometheus.example.com
              -   "10.0.0.1"
            http_server_config:
              headers:
                X-Frame-Options: deny
                Content-Security-Policy: "default-src 'self'; frame-ancestors 'none'"
            basic_auth_users:
              alice: $2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG
              'bob smith': '$2b$04$it''s'
            empty:
            """
        let node = try YAMLSubset.parse(text)
        guard case .mapping(let top, _) = node else { Issue.record("not a mapping"); return }
        #expect(top.map(\.key) == ["tls_server_config", "http_server_config", "basic_auth_users", "empty"])
        guard case .mapping(let tls, let tlsLine) = top[0].value else { Issue.record("no tls mapping"); return }
        #expect(tlsLine == 4)
        #expect(tls[0].value == .scalar("server.crt", line: 4) && tls[1].value == .scalar("server.key", line: 5))
        #expect(tls[3].value == .sequence([.scalar("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", line: 7),
                                          .scalar("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", line: 7)], line: 7))
        #expect(tls[4].value == .sequence([.scalar("prometheus.example.com", line: 9), .scalar("10.0.0.1", line: 10)], line: 9))
        guard case .mapping(let http, _) = top[1].value, case .mapping(let headers, _) = http[0].value else { Issue.record("no headers"); return }
        #expect(headers[1].value == .scalar("default-src 'self'; frame-ancestors 'none'", line: 14))
        guard case .mapping(let users, _) = top[2].value else { Issue.record("no users"); return }
        #expect(users.map(\.key) == ["alice", "bob smith"])
        #expect(users[0].value == .scalar("$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG", line: 16))
        #expect(users[1].value == .scalar("$2b$04$it's", line: 17))
        #expect(top[3].value == .null(line: 18))
    }

    /// Inline PEM in a literal block keeps its lines; `|-` drops the final newline.
    @Test func literalBlocks() throws {
        let text = """
            tls_server_config:
              cert: |
                -----BEGIN CERTIFICATE-----
                MIIB#notacomment
                -----END CERTIFICATE-----
              key: |-
                line one

                line three
            after: x
            """
        guard case .mapping(let top, _) = try YAMLSubset.parse(text), case .mapping(let tls, _) = top[0].value else {
            Issue.record("not a mapping"); return
        }
        #expect(tls[0].value == .scalar("-----BEGIN CERTIFICATE-----\nMIIB#notacomment\n-----END CERTIFICATE-----\n", line: 2))
        #expect(tls[1].value == .scalar("line one\n\nline three", line: 6))
        #expect(top[1].key == "after" && top[1].value == .scalar("x", line: 10))
    }

    @Test func emptyDocumentsAreNull() throws {
        #expect(try YAMLSubset.parse("") == .null(line: 1))
        #expect(try YAMLSubset.parse("# only a comment\n---\n") == .null(line: 1))
    }

    @Test(arguments: [
        ("a: 1\n\tb: 2", "line 2: tabs cannot indent YAML; use spaces"),
        ("a: 1\na: 2", "line 2: a is given twice"),
        ("a:\n  b: 1\n    c: 2", "line 3: unexpected indentation"),
        ("a: &anchor x", "line 1: anchors, aliases, tags, flow mappings and folded blocks are not supported"),
        ("a: {b: 1}", "line 1: anchors, aliases, tags, flow mappings and folded blocks are not supported"),
        ("a: \"open", "line 1: unterminated double-quoted string"),
        ("a: [x, y", "line 1: unterminated [ … ]"),
        ("a:\n  - b: 1", "line 2: mappings inside sequences are not supported here"),
        ("a: 1\njunk", "line 2: expected \"key: value\""),
        ("a: \"\\q\"", "line 1: unsupported escape \\q"),
    ])
    func errorsNameTheLine(text: String, message: String) {
        #expect(throws: YAMLSubset.ParseError.self) { try YAMLSubset.parse(text) }
        do {
            _ = try YAMLSubset.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }
}

/// The parser against arbitrary text: every input either parses (every node on a line of the
/// text) or is refused with the line at fault; nothing traps.
@Suite struct YAMLSubsetFuzzTests {
    static let valid = [
        "tls_server_config:\n  cert_file: a.crt\n  key_file: \"a.key\"\n  client_allowed_sans:\n  - x.example.com\n  - 'y'\n",
        "basic_auth_users:\n  alice: $2y$10$abc\n  'bob smith': '$2b$04$it''s'\nhttp_server_config:\n  headers:\n    X-A: b\n",
        "key: |\n  -----BEGIN-----\n  AAAA\n  -----END-----\nother: [a, \"b, c\", 'd']\n",
        "# comment only\n---\nrate_limit:\n  interval: 1s\n  burst: 0\n",
    ]
    static let fragments = ["a", ":", ": ", "-", "- ", " ", "  ", "\t", "#", "'", "\"", "''", "|", "|-", "[", "]", ",", "\n", "\n  ", "key", "value",
                            "---", "...", "\\", "\u{0}", "é", "{", "}", "&a", "*a", "!!str", "%YAML", "\r\n"]

    static func check(_ text: String) {
        let lineCount = max(1, text.split(separator: "\n", omittingEmptySubsequences: false).count)
        do {
            try walk(try YAMLSubset.parse(text), lineCount: lineCount, text: text)
        } catch let error as YAMLSubset.ParseError {
            #expect(error.line >= 1 && error.line <= lineCount + 1 && !error.reason.isEmpty, "\(error) for \(text.debugDescription)")
        } catch {
            Issue.record("unexpected \(error) for \(text.debugDescription)")
        }
    }

    static func walk(_ node: YAMLSubset.Node, lineCount: Int, text: String) throws {
        #expect(node.line >= 1 && node.line <= lineCount, "a node on line \(node.line) of \(lineCount) in \(text.debugDescription)")
        switch node {
        case .sequence(let items, _): for item in items { try walk(item, lineCount: lineCount, text: text) }
        case .mapping(let pairs, _): for pair in pairs { try walk(pair.value, lineCount: lineCount, text: text) }
        case .scalar, .null: break
        }
    }

    @Test func everyInputParsesOrIsRefusedWithItsLine() {
        var generator = SeededGenerator(seed: 7)
        for round in 0..<20_000 {
            var text: String
            if round % 2 == 0 {
                text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in Self.fragments.randomElement(using: &generator)! }.joined()
            } else {
                var characters = Array(Self.valid.randomElement(using: &generator)!)
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !characters.isEmpty {
                    let index = Int.random(in: 0..<characters.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: characters[index] = Self.fragments.randomElement(using: &generator)!.first ?? " "
                    case 1: characters.remove(at: index)
                    default: characters.insert(contentsOf: Self.fragments.randomElement(using: &generator)!, at: index)
                    }
                }
                text = String(characters)
            }
            Self.check(text)
        }
    }
}
