@testable import DriftscopeDiff
import Foundation
import Testing

@Suite("Line diff output: newlines, empty sides, caps")
struct TextDiffOutputTests {
    @Test func missingNewlineFlags() {
        let diff = TextDiff.compute(old: "a\nb", new: "a\nb\n")
        #expect(diff.oldMissingNewline)
        #expect(!diff.newMissingNewline)
        // The last lines differ only by the newline, so they are a change.
        #expect(diff.hunks.first?.lines.suffix(2) == [DiffLine(kind: .removed, text: "b"), DiffLine(kind: .added, text: "b")])
        #expect(!TextDiff.compute(old: "", new: "").oldMissingNewline)
        #expect(!TextDiff.compute(old: "", new: "x\n").oldMissingNewline)
    }

    @Test func noNewlineNoteOnlyWhenTheLastLineIsShown() {
        // The shared, unterminated last line is far from the change: no note.
        let lines = (1...12).map { "l\($0)" }
        let old = lines.joined(separator: "\n")
        let new = (["L1"] + lines.dropFirst()).joined(separator: "\n")
        let far = TextDiff.compute(old: old, new: new)
        #expect(far.oldMissingNewline && far.newMissingNewline)
        #expect(!far.unified.contains("No newline"))
        // Near it, as context: one note, after the context line.
        let near = TextDiff.compute(old: "a\nb\nc", new: "a\nB\nc")
        #expect(near.unified == "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n\\ No newline at end of file\n")
    }

    @Test func emptySides() throws {
        let added = TextDiff.compute(old: "", new: "x\ny")
        #expect(added.unified == "@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n")
        let removed = TextDiff.compute(old: "x\ny\n", new: "")
        #expect(removed.hunks == [DiffHunk(oldStart: 1, oldCount: 2, newStart: 0, newCount: 0,
                                           lines: [DiffLine(kind: .removed, text: "x"), DiffLine(kind: .removed, text: "y")])])
        // A file holding only "\n" has one empty line, and differs from an empty file.
        let blank = TextDiff.compute(old: "", new: "\n")
        #expect(blank.unified == "@@ -0,0 +1 @@\n+\n")
        #expect(blank.newLineCount == 1 && blank.oldLineCount == 0)
    }

    @Test func carriageReturnsStayInTheLine() {
        let diff = TextDiff.compute(old: "a\r\nb\r\n", new: "a\nb\r\n")
        #expect(diff.hunks.first?.lines == [
            DiffLine(kind: .removed, text: "a\r"), DiffLine(kind: .added, text: "a"), DiffLine(kind: .context, text: "b\r"),
        ])
        // A lone "\r" does not end a line.
        #expect(TextDiff.compute(old: "a\rb\n", new: "a\rc\n").oldLineCount == 1)
    }

    /// Fifty one-line changes ten lines apart: fifty hunks of 8 lines (3 + 1 + 1 + 3), 400 in all.
    static func manyHunks() -> (old: String, new: String) {
        let old = (0..<500).map { "line \($0)" }
        var new = old
        for k in stride(from: 5, to: 500, by: 10) { new[k] = "changed \(k)" }
        return (old.joined(separator: "\n") + "\n", new.joined(separator: "\n") + "\n")
    }

    @Test func outputCapCutsAndSaysWhat() throws {
        let (old, new) = Self.manyHunks()
        let full = TextDiff.compute(old: old, new: new, maxOutputLines: .max)
        #expect(full.hunks.count == 50)
        #expect(full.hunks.reduce(0) { $0 + $1.lines.count } == 400)

        let capped = TextDiff.compute(old: old, new: new, maxOutputLines: 20)
        #expect(capped.truncated)
        #expect(capped.hunks.reduce(0) { $0 + $1.lines.count } == 20)
        #expect(capped.hunks.count == 3)
        #expect(capped.omittedLines == 380)
        #expect(capped.omittedHunks == 47)
        // The partial third hunk (4 of its 8 lines) is numbered for what it holds.
        #expect(capped.hunks[2] == DiffHunk(oldStart: 23, oldCount: 4, newStart: 23, newCount: 3, lines: [
            DiffLine(kind: .context, text: "line 22"), DiffLine(kind: .context, text: "line 23"),
            DiffLine(kind: .context, text: "line 24"), DiffLine(kind: .removed, text: "line 25"),
        ]))
        #expect(Array(capped.hunks.prefix(2)) == Array(full.hunks.prefix(2)))
        #expect(capped.unified.hasSuffix("@@ -23,4 +23,3 @@\n line 22\n line 23\n line 24\n-line 25\n\\ Diff truncated: 380 more lines in 47 more hunks not shown\n"))

        // A cap that falls exactly on a hunk boundary leaves no partial hunk.
        let boundary = TextDiff.compute(old: old, new: new, maxOutputLines: 16)
        #expect(boundary.hunks.count == 2 && boundary.omittedHunks == 48 && boundary.omittedLines == 384)

        let none = TextDiff.compute(old: old, new: new, maxOutputLines: 0)
        #expect(none.hunks.isEmpty && none.truncated && none.omittedLines == 400 && none.omittedHunks == 50)
        #expect(none.unified == "\\ Diff truncated: 400 more lines in 50 more hunks not shown\n")

        let exact = TextDiff.compute(old: old, new: new, maxOutputLines: 400)
        #expect(!exact.truncated && exact == full)
    }

    @Test func codableRoundTrip() throws {
        let diff = TextDiff.compute(old: "a\nb\nc", new: "a\nB\nc\nd\n", maxOutputLines: 3)
        let data = try JSONEncoder().encode(diff)
        #expect(try JSONDecoder().decode(TextDiff.self, from: data) == diff)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains("\"kind\":\"removed\""))
    }
}
