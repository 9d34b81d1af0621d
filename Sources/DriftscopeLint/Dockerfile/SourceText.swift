// Text that remembers where each character came from.
//
// Dockerfile instructions are assembled from several physical lines (continuations, here-documents), and a
// finding is only useful if it points at the physical line a reader sees. Keeping a line number per character
// costs little for files of this size and saves every later stage from recomputing positions.

/// A run of characters, each tagged with the 1-based physical line it was read from.
struct SourceText: Sendable, Equatable {
    /// The characters, in order.
    private(set) var characters: [Character] = []
    /// `lines[i]` is the physical line of `characters[i]`.
    private(set) var lines: [Int] = []

    init() {}

    /// Text whose every character sits on `line`, for strings taken out of one place (a JSON element, an ARG value).
    init(_ string: some StringProtocol, line: Int) {
        append(string, line: line)
    }

    var isEmpty: Bool { characters.isEmpty }
    var count: Int { characters.count }
    var string: String { String(characters) }

    /// The line of the first character, or `fallback` when the text is empty.
    func firstLine(or fallback: Int) -> Int { lines.first ?? fallback }

    mutating func append(_ character: Character, line: Int) {
        characters.append(character)
        lines.append(line)
    }

    mutating func append(_ string: some StringProtocol, line: Int) {
        for character in string { append(character, line: line) }
    }

    mutating func append(_ other: SourceText) {
        characters.append(contentsOf: other.characters)
        lines.append(contentsOf: other.lines)
    }

    subscript(range: Range<Int>) -> SourceText {
        var slice = SourceText()
        slice.characters = Array(characters[range])
        slice.lines = Array(lines[range])
        return slice
    }

    /// The text with leading and trailing spaces and tabs removed.
    func trimmingBlanks() -> SourceText {
        var start = 0
        var end = characters.count
        while start < end, characters[start].isBlank { start += 1 }
        while end > start, characters[end - 1].isBlank { end -= 1 }
        return self[start..<end]
    }

    /// Splits on runs of spaces and tabs, as Dockerfile instructions other than RUN split their arguments.
    func blankSeparatedWords() -> [SourceText] {
        var words: [SourceText] = []
        var start: Int?
        for index in 0...characters.count {
            let atBreak = index == characters.count || characters[index].isBlank || characters[index] == "\n"
            if atBreak {
                if let begin = start { words.append(self[begin..<index]) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        return words
    }
}

extension Character {
    /// A space or a tab: the separators inside one Dockerfile line.
    var isBlank: Bool { self == " " || self == "\t" }
}
