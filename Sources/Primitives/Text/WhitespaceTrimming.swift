extension StringProtocol {
    /// The text without leading and trailing whitespace (spaces, tabs, line breaks): the one
    /// trimming helper of the project (flags, files, HTTP header values, API messages).
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
