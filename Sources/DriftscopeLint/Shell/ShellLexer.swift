// Just enough of the POSIX shell grammar to find the simple commands in a RUN instruction: words with their
// quotes removed, split into commands at `&&`, `||`, `;`, `&`, `|`, newlines and parentheses, with
// redirections (and here-document bodies inside scripts) set aside. Expansions are kept verbatim, never
// evaluated: the linter reasons about what the Dockerfile says, not what a shell would compute.

/// A shell word with its quoting removed.
struct ShellWord: Sendable, Equatable {
    /// The word as the command receives it; `$VAR` and `$(...)` are left as written.
    var text: String
    /// The physical Dockerfile line the word starts on.
    var line: Int
}

/// One simple command: its words in order, redirections removed.
struct ShellCommand: Sendable, Equatable {
    var words: [ShellWord] = []
    /// Delimiters of the here-documents this command reads (`cmd <<EOF`).
    var heredocDelimiters: [String] = []
}

/// Commands joined by `|`; a pipeline's commands run together and share data.
struct ShellPipeline: Sendable, Equatable {
    var commands: [ShellCommand]
}

enum ShellLexer {
    private enum Redirect {
        case file
        case heredoc(stripsTabs: Bool)
    }

    private struct State {
        var pipelines: [ShellPipeline] = []
        var pipeline: [ShellCommand] = []
        var command = ShellCommand()
        var word: String?
        var wordLine = 0
        var redirect: Redirect?
        var pendingBodies: [(delimiter: String, stripsTabs: Bool)] = []

        mutating func extendWord(_ text: some StringProtocol, line: Int) {
            if word == nil {
                word = ""
                wordLine = line
            }
            word?.append(contentsOf: text)
        }

        mutating func endWord() {
            guard let finished = word else { return }
            word = nil
            switch redirect {
            case .heredoc(let strips):
                command.heredocDelimiters.append(finished)
                pendingBodies.append((finished, strips))
            case .file:
                break
            case nil:
                command.words.append(ShellWord(text: finished, line: wordLine))
            }
            redirect = nil
        }

        mutating func endCommand() {
            endWord()
            if !command.words.isEmpty || !command.heredocDelimiters.isEmpty { pipeline.append(command) }
            command = ShellCommand()
        }

        mutating func endPipeline() {
            endCommand()
            if !pipeline.isEmpty { pipelines.append(ShellPipeline(commands: pipeline)) }
            pipeline = []
        }
    }

    /// The pipelines of `source`, in order.
    static func pipelines(in source: SourceText) -> [ShellPipeline] {
        let text = source.characters
        let lines = source.lines
        var state = State()
        var index = 0

        func peek(_ offset: Int) -> Character? {
            index + offset < text.count ? text[index + offset] : nil
        }

        while index < text.count {
            let character = text[index]
            let line = lines[index]
            switch character {
            case "\\":
                if peek(1) == "\n" {
                    index += 2
                } else {
                    state.extendWord(peek(1).map { String($0) } ?? "", line: line)
                    index += 2
                }
            case "'":
                let end = closing("'", in: text, from: index + 1)
                state.extendWord(String(text[(index + 1)..<min(end, text.count)]), line: line)
                index = end + 1
            case "\"":
                var cursor = index + 1
                var content = ""
                while cursor < text.count, text[cursor] != "\"" {
                    if text[cursor] == "\\", cursor + 1 < text.count, "$`\"\\\n".contains(text[cursor + 1]) {
                        if text[cursor + 1] != "\n" { content.append(text[cursor + 1]) }
                        cursor += 2
                    } else {
                        content.append(text[cursor])
                        cursor += 1
                    }
                }
                state.extendWord(content, line: line)
                index = cursor + 1
            case "$" where peek(1) == "(" || peek(1) == "{":
                let open = text[index + 1]
                let end = balanced(open: open, close: open == "(" ? ")" : "}", in: text, from: index + 1)
                state.extendWord(String(text[index..<min(end + 1, text.count)]), line: line)
                index = end + 1
            case "`":
                let end = closing("`", in: text, from: index + 1)
                state.extendWord(String(text[index..<min(end + 1, text.count)]), line: line)
                index = end + 1
            case "#" where state.word == nil:
                while index < text.count, text[index] != "\n" { index += 1 }
            case " ", "\t", "\r":
                state.endWord()
                index += 1
            case "\n":
                state.endPipeline()
                index += 1
                index = skipHeredocBodies(&state.pendingBodies, in: text, from: index)
            case ";", "(", ")":
                state.endPipeline()
                index += 1
            case "&":
                if peek(1) == ">" {
                    state.endWord()
                    state.redirect = .file
                    index += peek(2) == ">" ? 3 : 2
                } else {
                    state.endPipeline()
                    index += peek(1) == "&" ? 2 : 1
                }
            case "|":
                if peek(1) == "|" {
                    state.endPipeline()
                    index += 2
                } else {
                    state.endCommand()
                    index += peek(1) == "&" ? 2 : 1
                }
            case "<" where peek(1) == "(", ">" where peek(1) == "(":
                // Process substitution: one word, like $(...).
                let end = balanced(open: "(", close: ")", in: text, from: index + 1)
                state.extendWord(String(text[index..<min(end + 1, text.count)]), line: line)
                index = end + 1
            case "<", ">":
                if let word = state.word, !word.isEmpty, word.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    state.word = nil  // a file-descriptor number, as in 2>&1
                } else {
                    state.endWord()
                }
                if character == "<", peek(1) == "<", peek(2) != "<" {
                    let strips = peek(2) == "-"
                    state.redirect = .heredoc(stripsTabs: strips)
                    index += strips ? 3 : 2
                } else {
                    state.redirect = .file
                    index += 1
                    while let next = peek(0), next == "<" || next == ">" || next == "&" || next == "|" { index += 1 }
                }
            default:
                state.extendWord(String(character), line: line)
                index += 1
            }
        }
        state.endPipeline()
        return state.pipelines
    }

    /// Index of the next unescaped `mark` at or after `start` (or the end of the text).
    private static func closing(_ mark: Character, in text: [Character], from start: Int) -> Int {
        var cursor = start
        while cursor < text.count, text[cursor] != mark {
            cursor += (mark == "`" && text[cursor] == "\\") ? 2 : 1
        }
        return min(cursor, text.count)
    }

    /// Index of the bracket that closes the one at `start`, honouring nesting and quotes.
    private static func balanced(open: Character, close: Character, in text: [Character], from start: Int) -> Int {
        var depth = 0
        var cursor = start
        var quote: Character?
        while cursor < text.count {
            let character = text[cursor]
            if let active = quote {
                if character == "\\", active == "\"" { cursor += 2; continue }
                if character == active { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "\\" {
                cursor += 2
                continue
            } else if character == open {
                depth += 1
            } else if character == close {
                depth -= 1
                if depth == 0 { return cursor }
            }
            cursor += 1
        }
        return text.count
    }

    /// Skips the bodies of here-documents opened on the line just ended (`cat <<EOF > f` inside a script), so
    /// their contents are not linted as commands.
    private static func skipHeredocBodies(
        _ pending: inout [(delimiter: String, stripsTabs: Bool)], in text: [Character], from start: Int
    ) -> Int {
        var index = start
        for body in pending {
            while index < text.count {
                var end = index
                while end < text.count, text[end] != "\n" { end += 1 }
                var line = text[index..<end]
                if body.stripsTabs { line = line.drop { $0 == "\t" } }
                index = end + 1
                if String(line) == body.delimiter { break }
            }
        }
        pending.removeAll()
        return min(index, text.count)
    }
}
