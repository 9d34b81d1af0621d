import DriftscopeCompare
import Foundation
import Testing

/// The test inputs: hand-built `Comparison` values kept as JSON next to the tests (the JSON
/// contract is the one stable way to build a whole comparison from outside DriftscopeCompare).
enum Inputs {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Inputs")

    /// `drift`, `equivalent` or `byte-equal`.
    static func comparison(_ name: String) throws -> Comparison {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(name).json"))
        return try JSONDecoder().decode(Comparison.self, from: data)
    }

    /// The drift comparison with its path differences replaced.
    static func drift(with differences: [Difference]) throws -> Comparison {
        var c = try comparison("drift")
        c.differences = differences
        return c
    }
}

/// Golden files in `Golden/`, next to this file. Run the tests with `DRIFTSCOPE_UPDATE_GOLDEN=1`
/// to rewrite them from the current output, then review the change with `git diff`.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static var updating: Bool { ProcessInfo.processInfo.environment["DRIFTSCOPE_UPDATE_GOLDEN"] == "1" }

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing golden file Golden/\(name); run with DRIFTSCOPE_UPDATE_GOLDEN=1 to create it", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
            let want = line < e.count ? String(e[line]) : "<end of file>"
            let got = line < a.count ? String(a[line]) : "<end of file>"
            Issue.record("""
                Golden/\(name) differs at line \(line + 1):
                  expected: \(want)
                  actual:   \(got)
                If the change is intended, run with DRIFTSCOPE_UPDATE_GOLDEN=1 and review git diff.
                """, sourceLocation: sourceLocation)
        }
    }
}

/// The repository root (for scripts/ and Fixtures/).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The start tags of an HTML document with their attribute names, read the way a browser
/// tokenizer does for well-formed markup (quoted values may hold `>`), comments skipped.
func startTags(_ html: String) -> [(name: String, attributes: [String])] {
    let s = Array(html.unicodeScalars)
    var tags: [(String, [String])] = []
    var i = 0
    func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\n" || c == "\t" || c == "\r" || c == "\u{0C}" }
    while i < s.count {
        guard s[i] == "<" else { i += 1; continue }
        if i + 3 < s.count, s[i + 1] == "!", s[i + 2] == "-", s[i + 3] == "-" {
            i += 4
            while i + 2 < s.count && !(s[i] == "-" && s[i + 1] == "-" && s[i + 2] == ">") { i += 1 }
            i += 3
            continue
        }
        guard i + 1 < s.count, s[i + 1].properties.isAlphabetic else { i += 1; continue }
        var j = i + 1
        var name = ""
        while j < s.count && !isSpace(s[j]) && s[j] != ">" && s[j] != "/" { name.unicodeScalars.append(s[j]); j += 1 }
        var attributes: [String] = []
        while j < s.count && s[j] != ">" {
            if isSpace(s[j]) || s[j] == "/" { j += 1; continue }
            var attr = ""
            while j < s.count && !isSpace(s[j]) && s[j] != "=" && s[j] != ">" { attr.unicodeScalars.append(s[j]); j += 1 }
            attributes.append(attr.lowercased())
            if j < s.count && s[j] == "=" {
                j += 1
                if j < s.count && (s[j] == "\"" || s[j] == "'") {
                    let quote = s[j]
                    j += 1
                    while j < s.count && s[j] != quote { j += 1 }
                    j += 1
                } else {
                    while j < s.count && !isSpace(s[j]) && s[j] != ">" { j += 1 }
                }
            }
        }
        tags.append((name.lowercased(), attributes))
        // the contents of <style> and <script> are not markup
        if name.lowercased() == "style" || name.lowercased() == "script" {
            let close = "</" + name.lowercased()
            var k = j
            while k < s.count {
                if s[k] == "<", k + close.unicodeScalars.count <= s.count,
                   String(String.UnicodeScalarView(s[k..<(k + close.unicodeScalars.count)])).lowercased() == close { break }
                k += 1
            }
            j = k
        }
        i = j + 1
    }
    return tags
}

/// A result type without a public initialiser, built through its JSON form.
func decodeJSON<T: Decodable>(_ type: T.Type, _ object: [String: Any]) throws -> T {
    try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: object))
}
