/// Turns an edit script into unified hunks, as GNU diff groups them.
enum HunkBuilder {
    /// A maximal run of changes: `old[oldStart..<oldEnd]` replaced by `new[newStart..<newEnd]`.
    struct Change {
        var oldStart: Int, oldEnd: Int, newStart: Int, newEnd: Int
    }

    /// The changes of a script, in order.
    static func changes(_ script: EditScript) -> [Change] {
        let n = script.removed.count
        let m = script.added.count
        var result: [Change] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n && j < m && !script.removed[i] && !script.added[j] {
                i += 1
                j += 1
                continue
            }
            let change0 = (i, j)
            while i < n && script.removed[i] { i += 1 }
            while j < m && script.added[j] { j += 1 }
            if (i, j) == change0 {
                // Only reachable with an inconsistent script (one side ran out of unchanged lines);
                // never loop or trap: call the rest one replaced block.
                i = n
                j = m
            }
            result.append(Change(oldStart: change0.0, oldEnd: i, newStart: change0.1, newEnd: j))
        }
        return result
    }

    /// Groups changes into hunks with `context` lines around them and fills in the text, stopping
    /// after `maxOutputLines` diff lines.
    static func build(
        script: EditScript, oldLines: LineTable, newLines: LineTable, context: Int, maxOutputLines: Int
    ) -> TextDiff {
        let n = oldLines.count
        let changes = changes(script)

        // GNU's find_hunk: changes separated by at most 2 * context unchanged lines share a hunk
        // (written as gap - context > context so that a huge context cannot overflow).
        var groups: [Range<Int>] = []
        var first = 0
        for index in changes.indices.dropFirst() {
            let gap = changes[index].oldStart - changes[index - 1].oldEnd
            if gap - context > context {
                groups.append(first..<index)
                first = index
            }
        }
        if !changes.isEmpty { groups.append(first..<changes.count) }

        var hunks: [DiffHunk] = []
        var budget = maxOutputLines
        var truncated = false
        var omittedLines = 0
        var omittedHunks = 0
        for group in groups {
            let head = changes[group.lowerBound]
            let tail = changes[group.upperBound - 1]
            let before = min(context, head.oldStart)
            let after = min(context, n - tail.oldEnd)
            let oldLow = head.oldStart - before
            let newLow = head.newStart - before
            let oldHigh = tail.oldEnd + after
            let newHigh = tail.newEnd + after
            var removedCount = 0
            for change in changes[group] { removedCount += change.oldEnd - change.oldStart }
            let total = (newHigh - newLow) + removedCount

            if budget <= 0 {
                truncated = true
                omittedLines += total
                omittedHunks += 1
                continue
            }
            var lines: [DiffLine] = []
            lines.reserveCapacity(min(total, budget))
            var oldCount = 0
            var newCount = 0
            func emit(_ kind: DiffLine.Kind, _ text: @autoclosure () -> String) -> Bool {
                guard lines.count < budget else { return false }
                lines.append(DiffLine(kind: kind, text: text()))
                if kind != .added { oldCount += 1 }
                if kind != .removed { newCount += 1 }
                return true
            }
            var x = oldLow
            var y = newLow
            fill: for change in changes[group] {
                while x < change.oldStart {
                    guard emit(.context, oldLines.text(x)) else { break fill }
                    x += 1
                    y += 1
                }
                while x < change.oldEnd {
                    guard emit(.removed, oldLines.text(x)) else { break fill }
                    x += 1
                }
                while y < change.newEnd {
                    guard emit(.added, newLines.text(y)) else { break fill }
                    y += 1
                }
            }
            if lines.count < budget {
                while x < oldHigh && lines.count < budget {
                    _ = emit(.context, oldLines.text(x))
                    x += 1
                }
            }
            budget -= lines.count
            if lines.count < total {
                truncated = true
                omittedLines += total - lines.count
            }
            hunks.append(DiffHunk(
                oldStart: oldCount == 0 ? oldLow : oldLow + 1, oldCount: oldCount,
                newStart: newCount == 0 ? newLow : newLow + 1, newCount: newCount,
                lines: lines))
        }
        return TextDiff(
            hunks: hunks, truncated: truncated, coarse: script.coarse,
            oldMissingNewline: oldLines.missingNewline, newMissingNewline: newLines.missingNewline,
            oldLineCount: n, newLineCount: newLines.count,
            omittedLines: omittedLines, omittedHunks: omittedHunks)
    }
}
