// A simple command reduced to the program that really runs and its arguments: `sudo -E env A=1 pip install x`
// is pip with `install x`. Shell keywords that introduce commands (`if`, `then`, `do`, ...) are peeled off
// the same way, because the lexer splits at `;` and newlines, not at keywords.

struct Invocation {
    /// The program's base name (`/usr/bin/pip3` → `pip3`).
    var program: String
    /// The word naming the program, for its line.
    var programWord: ShellWord
    /// The arguments after the program.
    var arguments: [ShellWord]
    /// `NAME=value` assignments written before the program (including `env NAME=value`).
    var assignments: [String: String] = [:]

    private static let prefixes: Set<String> = [
        "command", "exec", "nohup", "time", "!", "{", "}", "then", "do", "else", "elif", "if", "while", "until",
        "builtin", "nice", "stdbuf",
    ]

    init?(_ command: ShellCommand) {
        var words = command.words[...]
        var assignments: [String: String] = [:]
        while let first = words.first {
            let text = first.text
            if let (name, value) = Self.assignment(text) {
                assignments[name] = value
                words = words.dropFirst()
            } else if text == "sudo" || text == "doas" {
                words = words.dropFirst()
                while let option = words.first?.text, option.hasPrefix("-") {
                    let takesValue = ["-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t", "-D"].contains(option)
                    words = words.dropFirst(takesValue ? 2 : 1)
                }
            } else if text == "env" {
                words = words.dropFirst()
                while let option = words.first?.text, option.hasPrefix("-") || Self.assignment(option) != nil {
                    if let (name, value) = Self.assignment(option) { assignments[name] = value }
                    words = words.dropFirst(["-u", "-C", "-S", "--unset", "--chdir"].contains(option) ? 2 : 1)
                }
            } else if Self.prefixes.contains(text) {
                words = words.dropFirst()
            } else {
                break
            }
        }
        guard let programWord = words.first else { return nil }
        self.program = programWord.text.lastPathComponent
        self.programWord = programWord
        self.arguments = Array(words.dropFirst())
        self.assignments = assignments
    }

    /// `NAME=value` with a valid shell variable name, split; nil for anything else.
    static func assignment(_ word: String) -> (String, String)? {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return nil }
        let name = word[..<equals]
        guard let first = name.first, first.isLetter || first == "_",
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
        return (String(name), String(word[word.index(after: equals)...]))
    }

    /// Positional arguments (not starting with `-`), skipping the value word after any option in
    /// `valueOptions`. `--opt=value` forms carry their value with them.
    static func positionals(_ arguments: some Collection<ShellWord>, valueOptions: Set<String>) -> [ShellWord] {
        var result: [ShellWord] = []
        var skipNext = false
        for word in arguments {
            if skipNext {
                skipNext = false
                continue
            }
            if word.text.hasPrefix("-"), word.text.count > 1 {
                skipNext = valueOptions.contains(word.text)
                continue
            }
            result.append(word)
        }
        return result
    }

    /// True for the names of POSIX-style shells.
    static func isShell(_ program: String) -> Bool {
        ["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"].contains(program)
    }

    /// True for programs that execute a script read from standard input.
    static func isInterpreter(_ program: String) -> Bool {
        if isShell(program) { return true }
        if ["perl", "ruby", "node", "php"].contains(program) { return true }
        return program.hasPrefix("python") && program.dropFirst(6).allSatisfy { $0.isNumber || $0 == "." }
    }
}
