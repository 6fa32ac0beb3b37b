import Foundation
import Testing
import TestSupport
@testable import VODAPI

/// The JSON writer: what the simulator answers and `--output json` prints.
@Suite struct JSONWritingTests {
    static let document: JSONValue = [
        "text": "quote \" backslash \\ slash / tab \t newline \n bell \u{7} 汉字 🎬",
        "numbers": [0, -3, 1.5, 0.65, 123456789012, 1e20, .number(.nan)],
        "flags": [true, false, nil],
        "empty": ["array": [], "object": [:]],
        "nested": ["b": 2, "a": 1],
    ]

    @Test func compactTextIsSortedAndExact() {
        #expect(JSONValue.object(["b": 1, "a": ["y": "/", "x": nil]]).serialized() == #"{"a":{"x":null,"y":"/"},"b":1}"#)
        #expect(JSONValue.array([0.1, 2, -0.0, 1e15, 2.5e-7, 1e20]).serialized() == "[0.1,2,0,1000000000000000,2.5e-07,1e+20]")
        #expect(JSONValue.number(.infinity).serialized() == "null")
        #expect(JSONValue.string("\u{1F}").serialized() == #""\u001f""#)
    }

    @Test func indentedLayout() {
        #expect(JSONValue.object(["a": [1, 2], "b": [:]]).serialized(indent: 2) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }

    @Test func readsBackAsWritten() throws {
        for indent in [nil, 2] {
            let text = Self.document.serialized(indent: indent)
            var expected = Self.document
            if case .object(var members) = expected, case .array(var numbers) = members["numbers"]! {
                numbers[numbers.count - 1] = .null  // NaN is written as null
                members["numbers"] = .array(numbers)
                expected = .object(members)
            }
            #expect(try JSONValue.parse(Array(text.utf8)) == expected)
        }
    }

    /// Python's json module, an independent reader, agrees on every value.
    @Test func pythonReadsTheSameDocument() throws {
        let script = """
            import json, sys
            value = json.loads(sys.stdin.read())
            assert value["text"] == "quote \\" backslash \\\\ slash / tab \\t newline \\n bell \\x07 汉字 🎬", value["text"]
            assert value["numbers"] == [0, -3, 1.5, 0.65, 123456789012, 1e20, None], value["numbers"]
            assert value["flags"] == [True, False, None] and value["empty"] == {"array": [], "object": {}}
            assert list(value["nested"]) == ["a", "b"]
            print("ok")
            """
        let outcome = try ExternalTool.outcome("python3", ["-c", script], input: Array(Self.document.serialized().utf8))
        #expect(outcome.status == 0 && outcome.standardOutput == "ok\n", "\(outcome.standardError)")
    }
}
