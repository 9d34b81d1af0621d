@testable import DriftscopeDiff

/// Why a patch did not apply; a failure of the diff under test.
struct PatchError: Error, CustomStringConvertible {
    let description: String
}

/// Splits on `\n` by Unicode scalar (a `Character` split would keep `\r\n` together), each line
/// keeping its terminator; the last one has none when the text does not end in `\n`.
func linesKeepingTerminators(_ text: String) -> [String] {
    var lines: [String] = []
    var current = ""
    for scalar in text.unicodeScalars {
        current.unicodeScalars.append(scalar)
        if scalar == "\n" {
            lines.append(current)
            current = ""
        }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}

/// Applies `TextDiff.unified` to `old` the way `patch` reads a unified diff: hunk headers give the
/// old position and counts, `\ No newline at end of file` strips the terminator of the line before
/// it, and every context and removed line must match the old text exactly.
func applyUnified(_ patch: String, to old: String) throws -> String {
    let oldLines = linesKeepingTerminators(old)
    var patchLines = patch.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
    if patchLines.last == "" { patchLines.removeLast() }
    var result = ""
    var cursor = 0
    var index = 0
    while index < patchLines.count {
        let header = patchLines[index]
        guard let (oldStart, oldCount, _, newCount) = parseHeader(header) else {
            throw PatchError(description: "bad hunk header '\(header)'")
        }
        let start = oldCount == 0 ? oldStart : oldStart - 1
        guard start >= cursor, start <= oldLines.count else { throw PatchError(description: "hunk out of order at '\(header)'") }
        result += oldLines[cursor..<start].joined()
        cursor = start
        index += 1
        var oldSeen = 0
        var newSeen = 0
        while oldSeen < oldCount || newSeen < newCount {
            guard index < patchLines.count else { throw PatchError(description: "hunk '\(header)' is short") }
            let line = patchLines[index]
            let noNewline = index + 1 < patchLines.count && patchLines[index + 1] == "\\ No newline at end of file"
            let text = String(line.unicodeScalars.dropFirst()) + (noNewline ? "" : "\n")
            switch line.unicodeScalars.first {
            case " ", "-":
                guard cursor < oldLines.count, oldLines[cursor] == text else {
                    throw PatchError(description: "line \(cursor + 1) does not match '\(line)'")
                }
                cursor += 1
                oldSeen += 1
                if line.hasPrefix(" ") {
                    result += text
                    newSeen += 1
                }
            case "+":
                result += text
                newSeen += 1
            default:
                throw PatchError(description: "unexpected line '\(line)'")
            }
            index += noNewline ? 2 : 1
        }
    }
    return result + oldLines[cursor...].joined()
}

/// `@@ -a[,b] +c[,d] @@`, a missing count meaning 1.
private func parseHeader(_ header: String) -> (Int, Int, Int, Int)? {
    let parts = header.split(separator: " ")
    guard parts.count == 4, parts[0] == "@@", parts[3] == "@@",
          parts[1].hasPrefix("-"), parts[2].hasPrefix("+") else { return nil }
    func range(_ part: Substring) -> (Int, Int)? {
        let numbers = part.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
        guard let start = Int(numbers[0]) else { return nil }
        if numbers.count == 1 { return (start, 1) }
        guard numbers.count == 2, let count = Int(numbers[1]) else { return nil }
        return (start, count)
    }
    guard let old = range(parts[1]), let new = range(parts[2]) else { return nil }
    return (old.0, old.1, new.0, new.1)
}

/// Checks the structure of a diff against the texts it came from: header counts agree with the
/// lines, hunks are in order, and applying the hunk lines to the old lines gives the new lines.
func checkStructure(_ diff: TextDiff, old: String, new: String) throws {
    let oldLines = linesKeepingTerminators(old).map(stripTerminator)
    let newLines = linesKeepingTerminators(new).map(stripTerminator)
    guard diff.oldLineCount == oldLines.count, diff.newLineCount == newLines.count else {
        throw PatchError(description: "line counts \(diff.oldLineCount)/\(diff.newLineCount), expected \(oldLines.count)/\(newLines.count)")
    }
    // By scalar: `hasSuffix("\n")` is false for a text ending in "\r\n", one `Character`.
    guard diff.oldMissingNewline == (!old.isEmpty && old.unicodeScalars.last != "\n"),
          diff.newMissingNewline == (!new.isEmpty && new.unicodeScalars.last != "\n") else {
        throw PatchError(description: "missing-newline flags are wrong")
    }
    var result: [String] = []
    var cursor = 0
    for hunk in diff.hunks {
        let context = hunk.lines.filter { $0.kind == .context }.count
        let removed = hunk.lines.filter { $0.kind == .removed }.count
        let added = hunk.lines.filter { $0.kind == .added }.count
        guard hunk.oldCount == context + removed, hunk.newCount == context + added, !hunk.lines.isEmpty else {
            throw PatchError(description: "hunk counts disagree with its lines")
        }
        let start = hunk.oldCount == 0 ? hunk.oldStart : hunk.oldStart - 1
        let newStart = hunk.newCount == 0 ? hunk.newStart : hunk.newStart - 1
        guard start >= cursor else { throw PatchError(description: "hunks overlap or are out of order") }
        result += oldLines[cursor..<start]
        guard result.count == newStart else { throw PatchError(description: "new start \(hunk.newStart) is off") }
        cursor = start
        for line in hunk.lines {
            switch line.kind {
            case .context, .removed:
                guard cursor < oldLines.count, oldLines[cursor] == line.text else {
                    throw PatchError(description: "old line \(cursor + 1) is not '\(line.text)'")
                }
                cursor += 1
                if line.kind == .context { result.append(line.text) }
            case .added:
                result.append(line.text)
            }
        }
    }
    result += oldLines[cursor...]
    guard result == newLines else { throw PatchError(description: "hunks do not turn old into new") }
}

private func stripTerminator(_ line: String) -> String {
    var line = line
    if line.unicodeScalars.last == "\n" { line.unicodeScalars.removeLast() }
    return line
}

/// Lines removed plus lines added by a diff.
func editCount(_ diff: TextDiff) -> Int {
    diff.hunks.reduce(0) { $0 + $1.lines.filter { $0.kind != .context }.count }
}

/// The shortest edit script's length by dynamic programming (n + m - 2 * LCS), for small inputs.
/// Lines compare with their terminators, so a last line without `\n` differs from one with it.
func minimalEditCount(_ old: String, _ new: String) -> Int {
    let a = linesKeepingTerminators(old)
    let b = linesKeepingTerminators(new)
    var previous = [Int](repeating: 0, count: b.count + 1)
    for i in stride(from: 1, through: a.count, by: 1) {
        var current = [Int](repeating: 0, count: b.count + 1)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
        }
        previous = current
    }
    return a.count + b.count - 2 * previous[b.count]
}

/// Pseudo-random texts for property tests: few distinct lines (so that many alignments tie), some
/// CRLF lines, empty lines, and sometimes no final newline.
struct TextGenerator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func int(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }

    mutating func line(alphabet: Int) -> String {
        let pick = int(alphabet)
        switch pick {
        case 0: return ""
        case 1: return "x\r"
        default: return "line \(pick)"
        }
    }

    mutating func text(maxLines: Int, alphabet: Int) -> String {
        let count = int(maxLines + 1)
        return join((0..<count).map { _ in line(alphabet: alphabet) })
    }

    /// A few insertions, deletions and replacements applied to `text`.
    mutating func mutate(_ text: String, alphabet: Int) -> String {
        var lines = linesKeepingTerminators(text).map(stripTerminator)
        for _ in 0..<int(6) {
            let position = lines.isEmpty ? 0 : int(lines.count)
            switch int(3) {
            case 0: lines.insert(line(alphabet: alphabet), at: position)
            case 1 where !lines.isEmpty: lines.remove(at: position)
            default: if !lines.isEmpty { lines[position] = line(alphabet: alphabet + 3) }
            }
        }
        return join(lines)
    }

    mutating func join(_ lines: [String]) -> String {
        guard !lines.isEmpty else { return "" }
        return lines.joined(separator: "\n") + (int(4) == 0 ? "" : "\n")
    }
}
