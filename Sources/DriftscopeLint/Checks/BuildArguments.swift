// Build-argument substitution and the key=value syntax shared by ARG, ENV and LABEL.

/// The values build arguments have when nothing is passed with --build-arg.
struct BuildArguments {
    /// Declared arguments: their default, or nil when declared without one.
    private(set) var defaults: [String: String?] = [:]

    /// Records `ARG name[=default]`; a default may itself refer to earlier arguments.
    mutating func declare(_ name: String, default value: String?) {
        guard let value else {
            if defaults[name] == nil { defaults[name] = .some(nil) }
            return
        }
        let expansion = expand(value)
        defaults[name] = expansion.unresolved.isEmpty ? .some(expansion.text) : .some(nil)
    }

    /// Result of substituting `$NAME`, `${NAME}` and `${NAME:-word}` style expansions.
    struct Expansion: Equatable {
        /// The text with every resolvable expansion replaced.
        var text: String
        /// Names whose value is only known at build time (no default, or not declared).
        var unresolved: [String]
    }

    /// Substitutes the declared defaults into `text`, following the Dockerfile reference's expansion forms
    /// (`$n`, `${n}`, `${n:-word}`, `${n-word}`, `${n:+word}`, `${n+word}`).
    func expand(_ text: String) -> Expansion {
        var output = ""
        var unresolved: [String] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "$", index + 1 < characters.count else {
                output.append(character)
                index += 1
                continue
            }
            if characters[index + 1] == "{" {
                guard let close = characters[(index + 2)...].firstIndex(of: "}") else {
                    output.append(contentsOf: String(characters[index...]))
                    break
                }
                let inner = String(characters[(index + 2)..<close])
                let name = String(inner.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                let modifier = inner.dropFirst(name.count)
                let value = defaults[name] ?? nil
                let requiresNonEmpty = modifier.hasPrefix(":")
                let isSet = value.map { !(requiresNonEmpty && $0.isEmpty) } ?? false
                let operation = modifier.drop { $0 == ":" }.first
                let word = String(modifier.drop { $0 == ":" }.dropFirst())
                switch operation {
                case "-":
                    // A plain build (no --build-arg) takes the word when the argument has no usable default.
                    let chosen = isSet ? BuildArguments.Expansion(text: value ?? "", unresolved: []) : expand(word)
                    output += chosen.text
                    unresolved += chosen.unresolved
                case "+":
                    if isSet {
                        let chosen = expand(word)
                        output += chosen.text
                        unresolved += chosen.unresolved
                    }
                default:
                    if let value {
                        output += value
                    } else {
                        unresolved.append(name)
                    }
                }
                index = close + 1
            } else {
                let name = String(characters[(index + 1)...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                guard !name.isEmpty else {
                    output.append(character)
                    index += 1
                    continue
                }
                if let value = defaults[name] ?? nil {
                    output += value
                } else {
                    unresolved.append(name)
                }
                index += 1 + name.count
            }
        }
        return Expansion(text: output, unresolved: unresolved)
    }
}

/// Splits the arguments of ARG, ENV and LABEL into key/value pairs.
///
/// Accepts `k=v k2="v 2"` and the legacy one-pair form `KEY value with spaces` (ENV and LABEL only). Quotes
/// are removed; a backslash escapes the next character.
func keyValuePairs(_ text: String, legacyForm: Bool) -> [(key: String, value: String?)] {
    var words: [String] = []
    var word: String?
    var quote: Character?
    var iterator = Array(text).makeIterator()
    while let character = iterator.next() {
        if let open = quote {
            if character == open {
                quote = nil
            } else if character == "\\", open == "\"", let next = iterator.next() {
                word?.append(next)
            } else {
                word?.append(character)
            }
            continue
        }
        switch character {
        case "\"", "'":
            quote = character
            if word == nil { word = "" }
        case "\\":
            if let next = iterator.next() { word = (word ?? "") + String(next) }
        case " ", "\t", "\n":
            if let finished = word { words.append(finished) }
            word = nil
        default:
            word = (word ?? "") + String(character)
        }
    }
    if let finished = word { words.append(finished) }
    guard let first = words.first else { return [] }
    if legacyForm, !first.contains("="), words.count > 1 {
        return [(first, words.dropFirst().joined(separator: " "))]
    }
    return words.map { word in
        guard let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }
}
