// The Dockerfile as the linter sees it: parser directives, comments and instructions, following the
// Dockerfile reference (https://docs.docker.com/reference/dockerfile/) and BuildKit's parser where the
// reference is silent (trailing blanks after a continuation, comment lines inside a continued instruction,
// here-document markers recognised only as whole words).

/// A parsed Dockerfile.
struct Dockerfile: Sendable {
    /// The escape character from the `# escape=` directive: `\` unless the file says `` ` ``.
    var escape: Character = "\\"
    /// Parser directives from the top of the file, keyed by lowercased name.
    var directives: [String: Directive] = [:]
    /// Comment lines outside instructions, in file order.
    var comments: [Comment] = []
    /// Instructions in file order; an `ONBUILD` trigger appears as its inner instruction with `isTrigger` set.
    var instructions: [Instruction] = []
    /// What could not be parsed; the rest of the file is still linted.
    var problems: [DockerfileProblem] = []

    /// A `# name=value` line at the top of the file.
    struct Directive: Sendable, Equatable {
        var value: String
        var line: Int
    }

    /// A `#` comment line that is not a directive.
    struct Comment: Sendable, Equatable {
        /// The text after `#`, trimmed.
        var text: String
        var line: Int
    }
}

/// One instruction after its continuation lines are joined.
struct Instruction: Sendable {
    /// The instruction keyword, uppercased (`FROM`, `RUN`, ...).
    var keyword: String
    /// The physical line holding the keyword.
    var line: Int
    /// Leading `--name=value` options (`FROM --platform=`, `RUN --mount=`, `ADD --checksum=`).
    var flags: [Flag] = []
    /// Everything after the keyword and the flags, continuations removed.
    var arguments: SourceText
    /// Here-document bodies introduced on this instruction, in marker order.
    var heredocs: [Heredoc] = []
    /// True for the instruction inside `ONBUILD`.
    var isTrigger = false

    /// A leading `--name[=value]` option.
    struct Flag: Sendable, Equatable {
        /// The option name without dashes, lowercased.
        var name: String
        /// The value after `=`, surrounding quotes removed; empty for a bare `--name`.
        var value: String
        var line: Int
    }

    /// The value of the first flag called `name`.
    func flag(_ name: String) -> Flag? { flags.first { $0.name == name } }
}

/// A here-document (`<<EOF` ... `EOF`) attached to an instruction.
struct Heredoc: Sendable, Equatable {
    /// The delimiter word, unquoted.
    var delimiter: String
    /// `<<-EOF`: leading tabs are removed from the body and the closing line.
    var stripsTabs: Bool
    /// The body lines, each followed by a newline and tagged with its own line number.
    var body: SourceText
    /// The physical line of the first body line.
    var firstBodyLine: Int
}

/// Something in the Dockerfile the linter could not read; reported as a finding so the user knows which part
/// went unchecked.
enum DockerfileProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// A here-document has no closing delimiter line.
    case unterminatedHeredoc(delimiter: String, line: Int)
    /// `# escape=` names something other than `\` or `` ` ``.
    case invalidEscape(value: String, line: Int)
    /// A line starts with a word that is not a Dockerfile instruction.
    case unknownInstruction(keyword: String, line: Int)
    /// An instruction that needs arguments has none.
    case missingArguments(keyword: String, line: Int)
    /// `FROM` is not `FROM image [AS name]`.
    case malformedFrom(text: String, line: Int)

    /// The line the problem is on.
    var line: Int {
        switch self {
        case .unterminatedHeredoc(_, let line), .invalidEscape(_, let line), .unknownInstruction(_, let line),
             .missingArguments(_, let line), .malformedFrom(_, let line):
            return line
        }
    }

    var description: String {
        switch self {
        case .unterminatedHeredoc(let delimiter, _):
            return "here-document '\(delimiter)' is never closed, so the rest of the file was read as its body; "
                + "add a line containing only \(delimiter) after the body"
        case .invalidEscape(let value, _):
            return "'# escape=\(value)' is not a valid escape character; use '\\' or '`'"
        case .unknownInstruction(let keyword, _):
            return "'\(keyword)' is not a Dockerfile instruction, so this line was skipped; "
                + "check for a missing line continuation on the line before"
        case .missingArguments(let keyword, _):
            return "\(keyword) has no arguments; complete the instruction"
        case .malformedFrom(let text, _):
            return "'FROM \(text)' is not 'FROM image [AS name]'; fix the instruction so its base image can be checked"
        }
    }
}
