// Turns Dockerfile text into `Dockerfile`. Small files only: the whole text is held in memory because
// a Dockerfile is a few kilobytes and instructions refer back to earlier ones (ARG, stage names).

enum DockerfileParser {
    /// Every instruction keyword in the Dockerfile reference.
    static let keywords: Set<String> = [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ]
    /// Instructions that accept leading `--flag` options.
    static let flagged: Set<String> = ["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"]
    /// Instructions whose arguments may introduce here-documents.
    static let heredocCapable: Set<String> = ["RUN", "COPY", "ADD"]
    /// Instructions that are meaningless without arguments.
    static let needArguments: Set<String> = ["FROM", "RUN", "ADD", "COPY", "ARG", "ENV", "LABEL", "ONBUILD"]

    static func parse(_ text: String) -> Dockerfile {
        var file = Dockerfile()
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }  // BuildKit ignores a UTF-8 byte-order mark
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)

        var index = parseDirectives(lines, into: &file)
        while index < lines.count {
            let physical = lines[index]
            let trimmed = physical.drop(while: \.isBlank)
            if trimmed.allSatisfy(\.isBlank) {
                index += 1
                continue
            }
            if trimmed.first == "#" {
                file.comments.append(.init(text: trimmed.dropFirst().trimmingBlanks(), line: index + 1))
                index += 1
                continue
            }
            let startLine = index + 1
            var logical = SourceText()
            index = joinContinuations(lines, from: index, escape: file.escape, into: &logical)
            guard var parsed = split(logical, line: startLine, into: &file.problems) else { continue }
            if heredocCapable.contains(parsed.keyword) {
                for marker in heredocMarkers(in: parsed.arguments.characters) {
                    let (heredoc, next) = readHeredoc(marker, lines: lines, from: index)
                    if next > lines.count {
                        file.problems.append(.unterminatedHeredoc(delimiter: marker.delimiter, line: startLine))
                    }
                    parsed.heredocs.append(heredoc)
                    index = min(next, lines.count)
                }
            }
            file.instructions.append(parsed)
        }
        return file
    }

    /// Reads `# name=value` lines at the very top; returns the index of the first line after them.
    private static func parseDirectives(_ lines: [String], into file: inout Dockerfile) -> Int {
        var index = 0
        while index < lines.count, let (name, value) = directive(in: lines[index]) {
            guard file.directives[name] == nil else { break }  // a repeated directive is a plain comment
            file.directives[name] = .init(value: value, line: index + 1)
            if name == "escape" {
                if value == "\\" || value == "`" {
                    file.escape = Character(value)
                } else {
                    file.problems.append(.invalidEscape(value: value, line: index + 1))
                }
            }
            index += 1
        }
        return index
    }

    /// `# name = value` with a letter-led name, or nil.
    static func directive(in line: String) -> (String, String)? {
        var rest = line.drop(while: \.isBlank)
        guard rest.first == "#" else { return nil }
        rest = rest.dropFirst().drop(while: \.isBlank)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        guard let first = name.first, first.isLetter else { return nil }
        rest = rest.dropFirst(name.count).drop(while: \.isBlank)
        guard rest.first == "=" else { return nil }
        let value = rest.dropFirst().trimmingBlanks()
        guard !value.isEmpty else { return nil }
        return (name.lowercased(), value)
    }

    /// Appends one logical line starting at `start`, following escape-newline continuations and dropping the
    /// comment and blank lines BuildKit skips inside them. Returns the index after the last line consumed.
    private static func joinContinuations(
        _ lines: [String], from start: Int, escape: Character, into logical: inout SourceText
    ) -> Int {
        var index = start
        while index < lines.count {
            let lineNumber = index + 1
            let raw = index == start ? Substring(lines[index].drop(while: \.isBlank)) : Substring(lines[index])
            index += 1
            if index - 1 != start {
                let trimmed = raw.drop(while: \.isBlank)
                if trimmed.first == "#" || trimmed.isEmpty { continue }
            }
            var content = raw
            while let last = content.last, last.isBlank { content = content.dropLast() }
            if content.last == escape {
                logical.append(content.dropLast(), line: lineNumber)
                continue
            }
            logical.append(content, line: lineNumber)
            return index
        }
        return index
    }

    /// Splits a logical line into keyword, flags and arguments. Unknown keywords are recorded as problems.
    private static func split(
        _ logical: SourceText, line: Int, into problems: inout [DockerfileProblem]
    ) -> Instruction? {
        let characters = logical.characters
        var position = 0
        while position < characters.count, !characters[position].isBlank { position += 1 }
        let keyword = String(characters[0..<position]).uppercased()
        guard keywords.contains(keyword) else {
            problems.append(.unknownInstruction(keyword: String(characters[0..<position]), line: line))
            return nil
        }
        var rest = logical[position..<characters.count].trimmingBlanks()
        if keyword == "ONBUILD" {
            guard !rest.isEmpty, var trigger = split(rest, line: rest.firstLine(or: line), into: &problems) else {
                if rest.isEmpty { problems.append(.missingArguments(keyword: keyword, line: line)) }
                return nil
            }
            trigger.isTrigger = true
            return trigger
        }
        var instruction = Instruction(keyword: keyword, line: line, arguments: SourceText())
        if flagged.contains(keyword) {
            while rest.count > 2, rest.characters[0] == "-", rest.characters[1] == "-" {
                var end = 0
                while end < rest.count, !rest.characters[end].isBlank { end += 1 }
                let word = String(rest.characters[2..<end])
                let name = word.prefix { $0 != "=" }
                let value = word.dropFirst(name.count).dropFirst()
                instruction.flags.append(.init(
                    name: name.lowercased(), value: unquoted(value), line: rest.lines[0]))
                rest = rest[end..<rest.count].trimmingBlanks()
            }
        }
        instruction.arguments = rest
        if rest.isEmpty, needArguments.contains(keyword) {
            problems.append(.missingArguments(keyword: keyword, line: line))
        }
        return instruction
    }

    /// A here-document marker found in an instruction's arguments.
    struct HeredocMarker: Equatable {
        var delimiter: String
        var stripsTabs: Bool
    }

    /// Finds `<<WORD`, `<<-WORD`, `<<"WORD"`, `<<'WORD'` markers that stand at the start of a shell word (after
    /// an optional file-descriptor number), skipping quoted text and `$(...)`, so `$((1<<2))` and `"<<x"` are
    /// not mistaken for here-documents.
    static func heredocMarkers(in text: [Character]) -> [HeredocMarker] {
        var markers: [HeredocMarker] = []
        var index = 0
        var quote: Character?
        var substitutionDepth = 0
        var digitsOnlySoFar = true
        let operators: Set<Character> = [";", "&", "|", "(", ")", "<", ">"]
        while index < text.count {
            let character = text[index]
            if let open = quote {
                if character == "\\", open == "\"" { index += 2; continue }
                if character == open { quote = nil }
                index += 1
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                digitsOnlySoFar = false
            case "\\":
                index += 2
                digitsOnlySoFar = false
                continue
            case "$" where index + 1 < text.count && text[index + 1] == "(":
                substitutionDepth += 1
                index += 2
                digitsOnlySoFar = false
                continue
            case "<" where index + 2 < text.count && text[index + 1] == "<" && text[index + 2] == "<":
                index += 3  // a here-string, <<<word, has no body
                digitsOnlySoFar = false
                continue
            case "(" where substitutionDepth > 0:
                substitutionDepth += 1
            case ")" where substitutionDepth > 0:
                substitutionDepth -= 1
            case "<" where substitutionDepth == 0 && digitsOnlySoFar
                && index + 1 < text.count && text[index + 1] == "<"
                && (index + 2 >= text.count || text[index + 2] != "<"):
                var cursor = index + 2
                let strips = cursor < text.count && text[cursor] == "-"
                if strips { cursor += 1 }
                var delimiter = ""
                if cursor < text.count, text[cursor] == "\"" || text[cursor] == "'" {
                    let close = text[cursor]
                    cursor += 1
                    while cursor < text.count, text[cursor] != close { delimiter.append(text[cursor]); cursor += 1 }
                    cursor += 1
                } else {
                    while cursor < text.count, !text[cursor].isBlank, !operators.contains(text[cursor]),
                          text[cursor] != "\"", text[cursor] != "'" {
                        delimiter.append(text[cursor])
                        cursor += 1
                    }
                }
                if !delimiter.isEmpty { markers.append(.init(delimiter: delimiter, stripsTabs: strips)) }
                index = cursor
                digitsOnlySoFar = false
                continue
            default:
                break
            }
            if character.isBlank || character == "\n" || (operators.contains(character) && substitutionDepth == 0) {
                digitsOnlySoFar = true
            } else if !character.isASCII || !character.isNumber {
                digitsOnlySoFar = false
            }
            index += 1
        }
        return markers
    }

    /// Reads a here-document body starting at line index `start`. Returns the body and the index after the
    /// closing line; an index past the end means the closing line was missing.
    private static func readHeredoc(_ marker: HeredocMarker, lines: [String], from start: Int) -> (Heredoc, Int) {
        var body = SourceText()
        var index = start
        while index < lines.count {
            var line = Substring(lines[index])
            if marker.stripsTabs { line = line.drop { $0 == "\t" } }
            if line == marker.delimiter {
                return (Heredoc(delimiter: marker.delimiter, stripsTabs: marker.stripsTabs, body: body,
                                firstBodyLine: start + 1), index + 1)
            }
            body.append(line, line: index + 1)
            body.append("\n", line: index + 1)
            index += 1
        }
        return (Heredoc(delimiter: marker.delimiter, stripsTabs: marker.stripsTabs, body: body,
                        firstBodyLine: start + 1), lines.count + 1)
    }

    /// Removes one pair of matching surrounding quotes.
    static func unquoted(_ value: some StringProtocol) -> String {
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            return String(value.dropFirst().dropLast())
        }
        return String(value)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingBlanks() -> String {
        String(drop(while: \.isBlank).reversed().drop(while: \.isBlank).reversed())
    }
}
