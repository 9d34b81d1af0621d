import Foundation

/// One line of a unified hunk.
public struct DiffLine: Codable, Sendable, Equatable {
    /// Which side(s) of the diff a line belongs to.
    public enum Kind: String, Codable, Sendable {
        /// Present, unchanged, in both files.
        case context
        /// Present only in the old file (`-` in unified output).
        case removed
        /// Present only in the new file (`+` in unified output).
        case added
    }

    /// Which side(s) the line belongs to.
    public var kind: Kind
    /// The line without its terminating `\n`; a `\r` before it is kept, so CRLF changes show.
    public var text: String

    /// Creates a line.
    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }
}

/// One `@@ -a,b +c,d @@` hunk, numbered as GNU `diff -u` prints it.
///
/// Starts are 1-based line numbers. When a count is 0 the start is the number of the line *before*
/// the empty range (0 at the top of the file), which is what `diff -u` prints (`-0,0`, `+4,0`).
public struct DiffHunk: Codable, Sendable, Equatable {
    /// First old line of the hunk (or the line before an empty range).
    public var oldStart: Int
    /// Number of old lines the hunk covers (context + removed).
    public var oldCount: Int
    /// First new line of the hunk (or the line before an empty range).
    public var newStart: Int
    /// Number of new lines the hunk covers (context + added).
    public var newCount: Int
    /// The hunk body in output order: within each change, removed lines come before added ones.
    public var lines: [DiffLine]

    /// Creates a hunk.
    public init(oldStart: Int, oldCount: Int, newStart: Int, newCount: Int, lines: [DiffLine]) {
        self.oldStart = oldStart
        self.oldCount = oldCount
        self.newStart = newStart
        self.newCount = newCount
        self.lines = lines
    }
}

/// A line diff between two texts, as unified hunks.
///
/// Lines are split on `\n` only. A last line without `\n` is a different line from the same text
/// with one, as in GNU diff, and the flags below let `unified` print `\ No newline at end of file`.
public struct TextDiff: Codable, Sendable, Equatable {
    /// The hunks, in file order; empty when the texts are equal.
    public var hunks: [DiffHunk]
    /// True when `maxOutputLines` cut the output; the last hunk shown may then be partial (its
    /// counts describe the lines it holds).
    public var truncated: Bool
    /// True when some region needed more than `maxCost` edits and was aligned by the coarser
    /// unique-line anchor split (or as one replaced block): still a correct diff, maybe not minimal.
    public var coarse: Bool
    /// The old text is non-empty and does not end with `\n`.
    public var oldMissingNewline: Bool
    /// The new text is non-empty and does not end with `\n`.
    public var newMissingNewline: Bool
    /// Number of lines in the old text (needed to place the no-newline note).
    public var oldLineCount: Int
    /// Number of lines in the new text.
    public var newLineCount: Int
    /// Diff lines (context, removed, added) left out by the output cap.
    public var omittedLines: Int
    /// Hunks left out entirely by the output cap (a partial last hunk is not counted).
    public var omittedHunks: Int

    /// Creates a diff value (mostly for tests and fixtures; use `compute` to diff texts).
    public init(
        hunks: [DiffHunk], truncated: Bool = false, coarse: Bool = false,
        oldMissingNewline: Bool = false, newMissingNewline: Bool = false,
        oldLineCount: Int, newLineCount: Int, omittedLines: Int = 0, omittedHunks: Int = 0
    ) {
        self.hunks = hunks
        self.truncated = truncated
        self.coarse = coarse
        self.oldMissingNewline = oldMissingNewline
        self.newMissingNewline = newMissingNewline
        self.oldLineCount = oldLineCount
        self.newLineCount = newLineCount
        self.omittedLines = omittedLines
        self.omittedHunks = omittedHunks
    }

    /// Diffs two texts line by line.
    ///
    /// - Parameters:
    ///   - context: unchanged lines shown around each change (as `diff -U`); changes separated by
    ///     at most `2 * context` unchanged lines share a hunk.
    ///   - maxOutputLines: cap on the diff lines (context, removed, added) kept in `hunks`.
    ///   - maxCost: about the largest edit distance (lines removed + added, not counting lines
    ///     found on one side only) that a region is aligned with exactly, by Myers' algorithm.
    ///     Above it the region is split coarsely (on lines unique to both sides, else at the
    ///     furthest point the search reached) and `coarse` is set; the result is still a correct
    ///     diff, and usually within a few percent of the minimum. Work is O(lines · maxCost) at
    ///     worst: with 1024, two 50,000-line files of "0"/"1" lines in random order take 0.3 s
    ///     (GNU diff: 1.3 s), typical files far less.
    public static func compute(
        old: String, new: String, context: Int = 3, maxOutputLines: Int = 2000, maxCost: Int = 1024
    ) -> TextDiff {
        // withUTF8 needs mutable copies; they share storage with the arguments unless a
        // bridged/non-contiguous string has to be made contiguous.
        var oldText = old
        var newText = new
        return oldText.withUTF8 { oldBytes in
            newText.withUTF8 { newBytes in
                let oldLines = LineTable(oldBytes)
                let newLines = LineTable(newBytes)
                let ids = LineInterner.intern(oldLines, newLines)
                let script = EditScript.align(
                    old: ids.old, new: ids.new, idCount: ids.count, maxCost: max(0, maxCost),
                    horizon: max(0, context))
                return HunkBuilder.build(
                    script: script, oldLines: oldLines, newLines: newLines,
                    context: max(0, context), maxOutputLines: max(0, maxOutputLines))
            }
        }
    }

    /// The hunks as unified-diff text, without the `---`/`+++` header, each line ending in `\n`.
    ///
    /// A `\ No newline at end of file` line follows the last line of a side that lacks one, as in
    /// GNU diff. When the output was capped, a last line `\ Diff truncated: ...` says what was cut.
    public var unified: String {
        var out = ""
        let noNewline = "\\ No newline at end of file\n"
        for hunk in hunks {
            out += "@@ -\(Self.range(hunk.oldStart, hunk.oldCount)) +\(Self.range(hunk.newStart, hunk.newCount)) @@\n"
            var oldLine = hunk.oldStart
            var newLine = hunk.newStart
            for line in hunk.lines {
                switch line.kind {
                case .context:
                    out += " " + line.text + "\n"
                    let lastOld = oldMissingNewline && oldLine == oldLineCount
                    let lastNew = newMissingNewline && newLine == newLineCount
                    if lastOld || lastNew { out += noNewline }
                    oldLine += 1
                    newLine += 1
                case .removed:
                    out += "-" + line.text + "\n"
                    if oldMissingNewline && oldLine == oldLineCount { out += noNewline }
                    oldLine += 1
                case .added:
                    out += "+" + line.text + "\n"
                    if newMissingNewline && newLine == newLineCount { out += noNewline }
                    newLine += 1
                }
            }
        }
        if truncated {
            out += "\\ Diff truncated: \(omittedLines) more line\(omittedLines == 1 ? "" : "s")"
            if omittedHunks > 0 { out += " in \(omittedHunks) more hunk\(omittedHunks == 1 ? "" : "s")" }
            out += " not shown\n"
        }
        return out
    }

    /// A hunk range as `diff -u` prints it: `start` alone for one line, `start,count` otherwise.
    static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}
