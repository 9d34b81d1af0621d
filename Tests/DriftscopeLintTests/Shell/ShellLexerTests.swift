import Testing
@testable import DriftscopeLint

/// The shell lexer: commands, words, quoting, redirections and line numbers.
@Suite struct ShellLexerTests {
    static func words(_ script: String) -> [[[String]]] {
        ShellLexer.pipelines(in: SourceText(script, line: 1)).map { $0.commands.map { $0.words.map(\.text) } }
    }

    @Test(arguments: [
        ("a && b || c; d & e", [[["a"]], [["b"]], [["c"]], [["d"]], [["e"]]]),
        ("curl -s x | sudo sh -", [[["curl", "-s", "x"], ["sudo", "sh", "-"]]]),
        ("echo 'a b' \"c \\\"d\\\"\" e\\ f", [[["echo", "a b", "c \"d\"", "e f"]]]),
        ("cmd >out 2>&1 <in arg", [[["cmd", "arg"]]]),
        ("x=$(echo a | b) y", [[["x=$(echo a | b)", "y"]]]),
        ("echo ${A:-a b} # comment && npm install", [[["echo", "${A:-a b}"]]]),
        ("cat <<EOF > f\nbody | sh\nEOF\nnext", [[["cat"]], [["next"]]]),
    ])
    func lexer(_ script: String, _ expected: [[[String]]]) {
        #expect(Self.words(script) == expected)
    }

    @Test func lexerKeepsLinesOfHeredocBodies() {
        var source = SourceText()
        source.append("a\n", line: 10)
        source.append("b c\n", line: 11)
        let lines = ShellLexer.pipelines(in: source).flatMap { $0.commands.flatMap { $0.words.map(\.line) } }
        #expect(lines == [10, 11, 11])
    }
}
