import DriftscopeDiff
import Testing

/// One small diff and what GNU diffutils 3.8 prints for it with `diff -U<context> a b`, header
/// lines dropped. The expectations were produced by running GNU diff here and pasted verbatim.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let name: String
    let old: String
    let new: String
    let context: Int
    let expected: [String]

    init(_ name: String, old: String, new: String, context: Int, expected: [String]) {
        self.name = name
        self.old = old
        self.new = new
        self.context = context
        self.expected = expected
    }

    var testDescription: String { name }
}

let goldenCases: [GoldenCase] = [
    GoldenCase(
        "one line changed in the middle",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        new: "line 1\nline 2\nline 3\nline 4\nline five\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        context: 3,
        expected: [
            "@@ -2,7 +2,7 @@",
            " line 2",
            " line 3",
            " line 4",
            "-line 5",
            "+line five",
            " line 6",
            " line 7",
            " line 8",
        ]),
    GoldenCase(
        "two changes far apart make two hunks",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12\nline 13\nline 14\nline 15\nline 16\nline 17\nline 18\nline 19\nline 20\n",
        new: "line 1\nline 2\nline three\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12\nline 13\nline 14\nline 15\nline 16\nline seventeen\nline 18\nline 19\nline 20\n",
        context: 3,
        expected: [
            "@@ -1,6 +1,6 @@",
            " line 1",
            " line 2",
            "-line 3",
            "+line three",
            " line 4",
            " line 5",
            " line 6",
            "@@ -14,7 +14,7 @@",
            " line 14",
            " line 15",
            " line 16",
            "-line 17",
            "+line seventeen",
            " line 18",
            " line 19",
            " line 20",
        ]),
    GoldenCase(
        "changes 6 lines apart share a hunk",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12\nline 13\nline 14\nline 15\nline 16\nline 17\nline 18\nline 19\nline 20\n",
        new: "line 1\nline 2\nline 3\nline 4\nX\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nY\nline 13\nline 14\nline 15\nline 16\nline 17\nline 18\nline 19\nline 20\n",
        context: 3,
        expected: [
            "@@ -2,14 +2,14 @@",
            " line 2",
            " line 3",
            " line 4",
            "-line 5",
            "+X",
            " line 6",
            " line 7",
            " line 8",
            " line 9",
            " line 10",
            " line 11",
            "-line 12",
            "+Y",
            " line 13",
            " line 14",
            " line 15",
        ]),
    GoldenCase(
        "changes 7 lines apart make two hunks",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12\nline 13\nline 14\nline 15\nline 16\nline 17\nline 18\nline 19\nline 20\n",
        new: "line 1\nline 2\nline 3\nline 4\nX\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12\nY\nline 14\nline 15\nline 16\nline 17\nline 18\nline 19\nline 20\n",
        context: 3,
        expected: [
            "@@ -2,7 +2,7 @@",
            " line 2",
            " line 3",
            " line 4",
            "-line 5",
            "+X",
            " line 6",
            " line 7",
            " line 8",
            "@@ -10,7 +10,7 @@",
            " line 10",
            " line 11",
            " line 12",
            "-line 13",
            "+Y",
            " line 14",
            " line 15",
            " line 16",
        ]),
    GoldenCase(
        "insert at the top",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        new: "new first\nline 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        context: 3,
        expected: [
            "@@ -1,3 +1,4 @@",
            "+new first",
            " line 1",
            " line 2",
            " line 3",
        ]),
    GoldenCase(
        "insert at the top without context",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        new: "new first\nline 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        context: 0,
        expected: [
            "@@ -0,0 +1 @@",
            "+new first",
        ]),
    GoldenCase(
        "delete at the end",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        new: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\n",
        context: 3,
        expected: [
            "@@ -6,5 +6,3 @@",
            " line 6",
            " line 7",
            " line 8",
            "-line 9",
            "-line 10",
        ]),
    GoldenCase(
        "delete at the end without context",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        new: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\n",
        context: 0,
        expected: [
            "@@ -9,2 +8,0 @@",
            "-line 9",
            "-line 10",
        ]),
    GoldenCase(
        "append at the end with one line of context",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        new: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\neleven\ntwelve\n",
        context: 1,
        expected: [
            "@@ -10 +10,3 @@",
            " line 10",
            "+eleven",
            "+twelve",
        ]),
    GoldenCase(
        "old side empty",
        old: "",
        new: "a\nb\n",
        context: 3,
        expected: [
            "@@ -0,0 +1,2 @@",
            "+a",
            "+b",
        ]),
    GoldenCase(
        "new side empty",
        old: "a\nb\n",
        new: "",
        context: 3,
        expected: [
            "@@ -1,2 +0,0 @@",
            "-a",
            "-b",
        ]),
    GoldenCase(
        "only the old side lacks a final newline",
        old: "a\nb",
        new: "a\nb\n",
        context: 3,
        expected: [
            "@@ -1,2 +1,2 @@",
            " a",
            "-b",
            "\\ No newline at end of file",
            "+b",
        ]),
    GoldenCase(
        "only the new side lacks a final newline",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        new: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10",
        context: 3,
        expected: [
            "@@ -7,4 +7,4 @@",
            " line 7",
            " line 8",
            " line 9",
            "-line 10",
            "+line 10",
            "\\ No newline at end of file",
        ]),
    GoldenCase(
        "both lack a final newline, last lines differ",
        old: "x\ny",
        new: "x\nz",
        context: 3,
        expected: [
            "@@ -1,2 +1,2 @@",
            " x",
            "-y",
            "\\ No newline at end of file",
            "+z",
            "\\ No newline at end of file",
        ]),
    GoldenCase(
        "both lack a final newline, change next to the shared last line",
        old: "a\nb\nc",
        new: "a\nB\nc",
        context: 3,
        expected: [
            "@@ -1,3 +1,3 @@",
            " a",
            "-b",
            "+B",
            " c",
            "\\ No newline at end of file",
        ]),
    GoldenCase(
        "both lack a final newline, change far from it",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10",
        new: "first\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10",
        context: 3,
        expected: [
            "@@ -1,4 +1,4 @@",
            "-line 1",
            "+first",
            " line 2",
            " line 3",
            " line 4",
        ]),
    GoldenCase(
        "CRLF to LF on one line",
        old: "a\r\nb\r\nc\r\n",
        new: "a\r\nb\nc\r\n",
        context: 3,
        expected: [
            "@@ -1,3 +1,3 @@",
            " a\r",
            "-b\r",
            "+b",
            " c\r",
        ]),
    GoldenCase(
        "replace block with different sizes",
        old: "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
        new: "line 1\nline 2\nline 3\np\nq\nr\ns\nt\nline 7\nline 8\nline 9\nline 10\n",
        context: 3,
        expected: [
            "@@ -1,9 +1,11 @@",
            " line 1",
            " line 2",
            " line 3",
            "-line 4",
            "-line 5",
            "-line 6",
            "+p",
            "+q",
            "+r",
            "+s",
            "+t",
            " line 7",
            " line 8",
            " line 9",
        ]),
    GoldenCase(
        "a function inserted between two others",
        old: "int f() {\n    return 1;\n}\n\nint h() {\n    return 3;\n}\n",
        new: "int f() {\n    return 1;\n}\n\nint g() {\n    return 2;\n}\n\nint h() {\n    return 3;\n}\n",
        context: 3,
        expected: [
            "@@ -2,6 +2,10 @@",
            "     return 1;",
            " }",
            " ",
            "+int g() {",
            "+    return 2;",
            "+}",
            "+",
            " int h() {",
            "     return 3;",
            " }",
        ]),
    GoldenCase(
        "a duplicated line removed",
        old: "a\nb\nb\nb\nc\n",
        new: "a\nb\nb\nc\n",
        context: 3,
        expected: [
            "@@ -1,5 +1,4 @@",
            " a",
            " b",
            " b",
            "-b",
            " c",
        ]),
    GoldenCase(
        "interleaved changes without context",
        old: "1\n2\n3\n4\n5\n6\n",
        new: "1\ntwo\n3\n4\nfive\n6\n7\n",
        context: 0,
        expected: [
            "@@ -2 +2 @@",
            "-2",
            "+two",
            "@@ -5 +5 @@",
            "-5",
            "+five",
            "@@ -6,0 +7 @@",
            "+7",
        ]),
    GoldenCase(
        "empty lines and a whitespace-only change",
        old: "a\n\nb\n\nc\n",
        new: "a\n \nb\n\nc\n",
        context: 3,
        expected: [
            "@@ -1,5 +1,5 @@",
            " a",
            "-",
            "+ ",
            " b",
            " ",
            " c",
        ]),
    GoldenCase(
        "lines moved",
        old: "alpha\nbeta\ngamma\ndelta\nepsilon\n",
        new: "gamma\ndelta\nalpha\nbeta\nepsilon\n",
        context: 3,
        expected: [
            "@@ -1,5 +1,5 @@",
            "-alpha",
            "-beta",
            " gamma",
            " delta",
            "+alpha",
            "+beta",
            " epsilon",
        ]),
    GoldenCase(
        "non-ASCII text",
        old: "größe: 1\nnaïve\n日本語\n",
        new: "größe: 2\nnaïve\n日本語\nünïcode\n",
        context: 3,
        expected: [
            "@@ -1,3 +1,4 @@",
            "-größe: 1",
            "+größe: 2",
            " naïve",
            " 日本語",
            "+ünïcode",
        ]),
    GoldenCase(
        "single line without newline becomes two",
        old: "only",
        new: "only\nmore\n",
        context: 3,
        expected: [
            "@@ -1 +1,2 @@",
            "-only",
            "\\ No newline at end of file",
            "+only",
            "+more",
        ]),
    GoldenCase(
        "newline added to an empty file's only line",
        old: "\n",
        new: "\n\n",
        context: 3,
        expected: [
            "@@ -1 +1,2 @@",
            " ",
            "+",
        ]),
    GoldenCase(
        "a removal slides down past an equal line",
        old: "x\ny\nx\nx\n",
        new: "y\nx\nw\nz\n",
        context: 1,
        expected: [
            "@@ -1,4 +1,4 @@",
            "-x",
            " y",
            " x",
            "-x",
            "+w",
            "+z",
        ]),
    GoldenCase(
        "a removal slides to line up with an insertion",
        old: "a\nc\nc\nc\na\na\nc\n",
        new: "a\nz\nb\nc\nc\na\na\nc",
        context: 3,
        expected: [
            "@@ -1,7 +1,8 @@",
            " a",
            "-c",
            "+z",
            "+b",
            " c",
            " c",
            " a",
            " a",
            "-c",
            "+c",
            "\\ No newline at end of file",
        ]),
    GoldenCase(
        "removals slide together into one run",
        old: "d\na\nc\nc\nc\nd\nb",
        new: "d\nz\nc\nz\ne\nz\nd\nb",
        context: 2,
        expected: [
            "@@ -1,7 +1,8 @@",
            " d",
            "-a",
            "-c",
            "-c",
            "+z",
            " c",
            "+z",
            "+e",
            "+z",
            " d",
            " b",
            "\\ No newline at end of file",
        ]),
    GoldenCase(
        "a line inserted into a run that reaches the common suffix, no context",
        old: "x\nn\nk\nk\no\n",
        new: "y\nn\nk\nk\nk\no\n",
        context: 0,
        expected: [
            "@@ -1 +1 @@",
            "-x",
            "+y",
            "@@ -2,0 +3 @@",
            "+k",
        ]),
    GoldenCase(
        "the same with one line of context",
        old: "x\nn\nk\nk\no\n",
        new: "y\nn\nk\nk\nk\no\n",
        context: 1,
        expected: [
            "@@ -1,4 +1,5 @@",
            "-x",
            "+y",
            " n",
            " k",
            "+k",
            " k",
        ]),
]

@Suite("Unified output matches GNU diff -u")
struct TextDiffGoldenTests {
    @Test(arguments: goldenCases)
    func matchesGNUDiff(_ golden: GoldenCase) {
        let diff = TextDiff.compute(old: golden.old, new: golden.new, context: golden.context)
        #expect(diff.unified == golden.expected.map { $0 + "\n" }.joined())
        #expect(!diff.truncated)
        #expect(!diff.coarse)
    }

    @Test func identicalTextsHaveNoHunks() {
        for text in ["", "a", "a\n", "a\nb\r\n", "\n\n\n"] {
            let diff = TextDiff.compute(old: text, new: text)
            #expect(diff.hunks.isEmpty)
            #expect(diff.unified == "")
        }
    }

    @Test func hunkFieldsFollowDiffConventions() {
        // `-0,0`: an insertion at the top has an empty old range starting at line 0.
        let top = TextDiff.compute(old: "b\n", new: "a\nb\n", context: 0)
        #expect(top.hunks == [DiffHunk(oldStart: 0, oldCount: 0, newStart: 1, newCount: 1,
                                       lines: [DiffLine(kind: .added, text: "a")])])
        // A deletion leaves an empty new range numbered by the line before it.
        let middle = TextDiff.compute(old: "a\nb\nc\n", new: "a\nc\n", context: 0)
        #expect(middle.hunks == [DiffHunk(oldStart: 2, oldCount: 1, newStart: 1, newCount: 0,
                                          lines: [DiffLine(kind: .removed, text: "b")])])
        #expect(middle.oldLineCount == 3 && middle.newLineCount == 2)
    }
}
