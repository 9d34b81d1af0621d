// The JSON ("exec") form of RUN and ADD: `RUN ["apt-get", "install", "-y", "curl"]`. Parsed by hand rather
// than with JSONSerialization so each element keeps the line it was written on. Anything that is not a
// JSON array of strings is shell form, as in BuildKit.

enum ExecForm {
    static func parse(_ text: SourceText) -> [ShellWord]? {
        let characters = text.characters
        var index = 0
        func skipWhitespace() {
            while index < characters.count, characters[index].isWhitespace { index += 1 }
        }
        skipWhitespace()
        guard index < characters.count, characters[index] == "[" else { return nil }
        index += 1
        var words: [ShellWord] = []
        skipWhitespace()
        if index < characters.count, characters[index] == "]" {
            index += 1
            skipWhitespace()
            return index == characters.count ? [] : nil
        }
        while true {
            skipWhitespace()
            guard index < characters.count, characters[index] == "\"" else { return nil }
            let line = text.lines[index]
            index += 1
            var value = ""
            while index < characters.count, characters[index] != "\"" {
                if characters[index] == "\\" {
                    index += 1
                    guard index < characters.count else { return nil }
                    switch characters[index] {
                    case "n": value.append("\n")
                    case "t": value.append("\t")
                    case "r": value.append("\r")
                    case "b", "f": break
                    case "u":
                        let digits = String(characters[(index + 1)..<min(index + 5, characters.count)])
                        guard digits.count == 4, let code = UInt32(digits, radix: 16),
                              let scalar = Unicode.Scalar(code) else { return nil }
                        value.unicodeScalars.append(scalar)
                        index += 4
                    default: value.append(characters[index])
                    }
                } else {
                    value.append(characters[index])
                }
                index += 1
            }
            guard index < characters.count else { return nil }
            index += 1
            words.append(ShellWord(text: value, line: line))
            skipWhitespace()
            guard index < characters.count else { return nil }
            if characters[index] == "," {
                index += 1
                continue
            }
            guard characters[index] == "]" else { return nil }
            index += 1
            skipWhitespace()
            return index == characters.count ? words : nil
        }
    }
}
