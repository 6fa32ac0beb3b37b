import Primitives
/// A position in a JSON document with typed, tolerant accessors. Every failure names the
/// field path, so a malformed response says exactly what was wrong.
///
/// Tolerance follows the VOD API's habits: a number may be a JSON number or a numeric string,
/// `""` and `null` mean absent (never zero), and unknown fields are ignored.
public struct JSONCursor: Sendable {
    public let value: JSONValue
    public let path: String

    public init(_ value: JSONValue, path: String = "$") {
        self.value = value
        self.path = path
    }

    private func childPath(_ key: String) -> String {
        path == "$" ? key : "\(path).\(key)"
    }

    private func fail(_ key: String?, _ problem: String) -> ResponseDecodingError {
        ResponseDecodingError(path: key.map(childPath) ?? path, problem: problem)
    }

    /// The members of this object.
    private func members() throws(ResponseDecodingError) -> [String: JSONValue] {
        guard case .object(let members) = value else {
            throw fail(nil, "expected an object, found \(value.kindName)")
        }
        return members
    }

    /// The raw member `key`, nil when absent or null.
    public func member(_ key: String) throws(ResponseDecodingError) -> JSONValue? {
        let found = try members()[key]
        if case .null? = found { return nil }
        return found
    }

    /// A required nested object.
    public func object(_ key: String) throws(ResponseDecodingError) -> JSONCursor {
        guard let found = try optionalObject(key) else { throw fail(key, "missing object") }
        return found
    }

    /// An optional nested object (absent, null or `""` → nil).
    public func optionalObject(_ key: String) throws(ResponseDecodingError) -> JSONCursor? {
        switch try member(key) {
        case nil, .string("")?: return nil
        case .object(let members)?: return JSONCursor(.object(members), path: childPath(key))
        case let other?: throw fail(key, "expected an object, found \(other.kindName)")
        }
    }

    /// The elements of an array member; absent, null or `""` give an empty list.
    public func array(_ key: String) throws(ResponseDecodingError) -> [JSONCursor] {
        switch try member(key) {
        case nil, .string("")?: return []
        case .array(let elements)?:
            let base = childPath(key)
            return elements.enumerated().map { JSONCursor($0.element, path: "\(base)[\($0.offset)]") }
        case let other?: throw fail(key, "expected an array, found \(other.kindName)")
        }
    }

    /// The elements of a list wrapped in an object, as the API nests them:
    /// `{"Outer": {"Inner": [...]}}`. A missing wrapper is an empty list.
    public func nestedArray(_ outer: String, _ inner: String) throws(ResponseDecodingError) -> [JSONCursor] {
        guard let wrapper = try optionalObject(outer) else { return [] }
        return try wrapper.array(inner)
    }

    /// A required string; a number is accepted and written in its shortest form.
    public func string(_ key: String) throws(ResponseDecodingError) -> String {
        guard let found = try optionalString(key) else { throw fail(key, "missing string") }
        return found
    }

    /// An optional string (absent or null → nil; `""` stays `""`).
    public func optionalString(_ key: String) throws(ResponseDecodingError) -> String? {
        switch try member(key) {
        case nil: return nil
        case .string(let text)?: return text
        case .number(let number)?:
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag)?: return flag ? "true" : "false"
        case let other?: throw fail(key, "expected a string, found \(other.kindName)")
        }
    }

    /// An optional number from a JSON number or a numeric string. Absent, null and `""` are
    /// nil, never zero.
    public func number(_ key: String) throws(ResponseDecodingError) -> Double? {
        switch try member(key) {
        case nil, .string("")?: return nil
        case .number(let number)?: return number
        case .string(let text)?:
            guard let number = Double(text.trimmingWhitespace()), number.isFinite else {
                throw fail(key, "expected a number, found a \(text.count)-character string that is not one")
            }
            return number
        case let other?: throw fail(key, "expected a number, found \(other.kindName)")
        }
    }

    /// A required number.
    public func requiredNumber(_ key: String) throws(ResponseDecodingError) -> Double {
        guard let found = try number(key) else { throw fail(key, "missing number") }
        return found
    }

    /// An optional whole number from a JSON number or a numeric string.
    public func integer(_ key: String) throws(ResponseDecodingError) -> Int? {
        guard let number = try number(key) else { return nil }
        guard number == number.rounded(), abs(number) < 9e15 else {
            throw fail(key, "expected a whole number, found \(number)")
        }
        return Int(number)
    }

    /// An optional `yyyy-MM-ddTHH:mm:ssZ` timestamp as seconds since the epoch.
    public func timestamp(_ key: String) throws(ResponseDecodingError) -> Int64? {
        guard let text = try optionalString(key), !text.isEmpty else { return nil }
        guard let seconds = UTCTimestamp.parse(text) else {
            throw fail(key, "expected a UTC timestamp like 2024-05-01T10:00:00Z, found a \(text.count)-character string")
        }
        return seconds
    }

    /// A required timestamp.
    public func requiredTimestamp(_ key: String) throws(ResponseDecodingError) -> Int64 {
        guard let found = try timestamp(key) else { throw fail(key, "missing timestamp") }
        return found
    }

    /// An optional boolean from a JSON boolean or the strings `true`/`false`.
    public func bool(_ key: String) throws(ResponseDecodingError) -> Bool? {
        switch try member(key) {
        case nil, .string("")?: return nil
        case .bool(let flag)?: return flag
        case .string(let text)? where text.lowercased() == "true": return true
        case .string(let text)? where text.lowercased() == "false": return false
        case let other?: throw fail(key, "expected a boolean, found \(other.kindName)")
        }
    }
}
