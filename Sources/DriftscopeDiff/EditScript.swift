/// Which lines of each side are not part of the common subsequence.
///
/// Valid when the unmarked old lines and the unmarked new lines are the same sequence of ids:
/// walking both sides in step then pairs every unmarked line with an equal one.
struct EditScript {
    /// `removed[i]`: old line `i` is not in the new text at this place.
    var removed: [Bool]
    /// `added[j]`: new line `j` is not in the old text at this place.
    var added: [Bool]
    /// Some region went over the cost cap and was aligned coarsely.
    var coarse: Bool

    /// Aligns two id sequences.
    ///
    /// 1. The common prefix and suffix are matched outright.
    /// 2. Lines whose id does not occur on the other side can never match; they are marked and left
    ///    out of the search (GNU diff does the same). This keeps "most lines rewritten" cheap: what
    ///    remains is often nearly identical.
    /// 3. The rest goes through Myers' O(ND) linear-space divide and conquer, capped per region.
    /// 4. GNU diff's boundary shifting slides each run of changes to a canonical place.
    static func align(old: [Int], new: [Int], idCount: Int, maxCost: Int) -> EditScript {
        let n = old.count
        let m = new.count
        var script = EditScript(
            removed: [Bool](repeating: false, count: n), added: [Bool](repeating: false, count: m), coarse: false)

        var prefix = 0
        while prefix < n, prefix < m, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < n - prefix, suffix < m - prefix, old[n - 1 - suffix] == new[m - 1 - suffix] { suffix += 1 }
        let oldRange = prefix..<(n - suffix)
        let newRange = prefix..<(m - suffix)
        if oldRange.isEmpty || newRange.isEmpty {
            for i in oldRange { script.removed[i] = true }
            for j in newRange { script.added[j] = true }
            return script
        }

        // Keep only the lines that have a counterpart on the other side. Counting over the whole
        // files rather than the middle alone keeps a few more lines than needed, but gives the
        // search the input GNU diff gives it (it keeps some of the common prefix), so that equal-cost
        // choices come out as `diff -u` prints them more often.
        var inOld = [Bool](repeating: false, count: idCount)
        var inNew = [Bool](repeating: false, count: idCount)
        for id in old { inOld[id] = true }
        for id in new { inNew[id] = true }
        var keptOld: [Int] = []
        var keptOldIndex: [Int] = []
        keptOld.reserveCapacity(oldRange.count)
        keptOldIndex.reserveCapacity(oldRange.count)
        for i in oldRange {
            if inNew[old[i]] {
                keptOld.append(old[i])
                keptOldIndex.append(i)
            } else {
                script.removed[i] = true
            }
        }
        var keptNew: [Int] = []
        var keptNewIndex: [Int] = []
        keptNew.reserveCapacity(newRange.count)
        keptNewIndex.reserveCapacity(newRange.count)
        for j in newRange {
            if inOld[new[j]] {
                keptNew.append(new[j])
                keptNewIndex.append(j)
            } else {
                script.added[j] = true
            }
        }

        if !keptOld.isEmpty || !keptNew.isEmpty {
            let search = MyersSearch(old: keptOld, new: keptNew, idCount: idCount, maxCost: maxCost)
            search.compare(0, keptOld.count, 0, keptNew.count, depth: 0)
            for k in 0..<keptOld.count where search.changedOld[k] { script.removed[keptOldIndex[k]] = true }
            for k in 0..<keptNew.count where search.changedNew[k] { script.added[keptNewIndex[k]] = true }
            script.coarse = search.coarse
        }

        shiftBoundaries(ids: old, changed: &script.removed, otherChanged: script.added)
        shiftBoundaries(ids: new, changed: &script.added, otherChanged: script.removed)
        return script
    }

    /// GNU diff's `shift_boundaries` (analyze.c): slide each run of changes as far down as it goes,
    /// merging with runs it meets, then back up to line up with a run of changes on the other side
    /// if one was passed. Sliding only swaps a changed line with an equal unchanged one, so the
    /// script stays valid and the same length; the point is output that matches `diff -u`.
    static func shiftBoundaries(ids: [Int], changed: inout [Bool], otherChanged: [Bool]) {
        let end = ids.count
        // GNU relies on an unchanged sentinel on both ends of both flag arrays; index k is at k + 1.
        var flags = [Bool](repeating: false, count: end + 2)
        for k in 0..<end { flags[k + 1] = changed[k] }
        var other = [Bool](repeating: false, count: otherChanged.count + 2)
        for k in 0..<otherChanged.count { other[k + 1] = otherChanged[k] }

        var i = 0
        var j = 0
        while true {
            // Find the start of the next run, keeping j at the corresponding place on the other side.
            while i < end && !flags[i + 1] {
                while other[j + 1] { j += 1 }
                j += 1
                i += 1
            }
            if i == end { break }
            var start = i
            i += 1
            while flags[i + 1] { i += 1 }
            while other[j + 1] { j += 1 }

            var corresponding = end
            var runLength = 0
            repeat {
                runLength = i - start
                // Move the run up while the line above equals its last line; merges with runs above.
                while start > 0 && ids[start - 1] == ids[i - 1] {
                    start -= 1
                    flags[start + 1] = true
                    i -= 1
                    flags[i + 1] = false
                    while flags[start] { start -= 1 }
                    j -= 1
                    while other[j + 1] { j -= 1 }
                }
                // Remember the lowest place where the run lines up with a run on the other side.
                corresponding = other[j] ? i : end
                // Move the run down while its first line equals the line below; merges with runs below.
                while i != end && ids[start] == ids[i] {
                    flags[start + 1] = false
                    start += 1
                    flags[i + 1] = true
                    i += 1
                    while flags[i + 1] { i += 1 }
                    j += 1
                    while other[j + 1] {
                        corresponding = i
                        j += 1
                    }
                }
            } while runLength != i - start

            // Move the merged run back up to a corresponding run on the other side, if any.
            while corresponding < i {
                start -= 1
                flags[start + 1] = true
                i -= 1
                flags[i + 1] = false
                j -= 1
                while other[j + 1] { j -= 1 }
            }
        }
        for k in 0..<end { changed[k] = flags[k + 1] }
    }
}

/// Myers' linear-space O(ND) search with a cost cap per region, after GNU diff's `compareseq`/`diag`.
///
/// A final class so that the recursion shares its buffers; it never leaves `EditScript.align`.
final class MyersSearch {
    private let xv: UnsafeMutableBufferPointer<Int>
    private let yv: UnsafeMutableBufferPointer<Int>
    /// Furthest-reaching x per diagonal, forward and backward. Diagonals run from -(m + 1) to
    /// n + 1, so index k is stored at k + m + 1.
    private let forward: UnsafeMutablePointer<Int>
    private let backward: UnsafeMutablePointer<Int>
    private let diagonalCount: Int
    private let diagonalOffset: Int
    /// Search iterations (each one edit in both directions) before a region counts as too costly.
    private let halfCostLimit: Int
    private let idCount: Int
    /// Scratch for the anchor split, allocated on first use: occurrences per id and position in y.
    private var countX: [Int32] = []
    private var countY: [Int32] = []
    private var positionY: [Int] = []

    /// Marks on the searched sequences.
    private(set) var changedOld: [Bool]
    private(set) var changedNew: [Bool]
    /// Some region hit the cap.
    private(set) var coarse = false

    /// Deeper anchor splits than this give up and mark the region as one replaced block, which
    /// bounds the recursion on adversarial input.
    private static let maxAnchorDepth = 48

    init(old: [Int], new: [Int], idCount: Int, maxCost: Int) {
        xv = UnsafeMutableBufferPointer.allocate(capacity: old.count)
        _ = xv.initialize(from: old)
        yv = UnsafeMutableBufferPointer.allocate(capacity: new.count)
        _ = yv.initialize(from: new)
        diagonalCount = old.count + new.count + 3
        diagonalOffset = new.count + 1
        forward = UnsafeMutablePointer.allocate(capacity: diagonalCount)
        forward.initialize(repeating: 0, count: diagonalCount)
        backward = UnsafeMutablePointer.allocate(capacity: diagonalCount)
        backward.initialize(repeating: 0, count: diagonalCount)
        halfCostLimit = maxCost / 2 + maxCost % 2
        self.idCount = idCount
        changedOld = [Bool](repeating: false, count: old.count)
        changedNew = [Bool](repeating: false, count: new.count)
    }

    deinit {
        xv.deallocate()
        yv.deallocate()
        forward.deallocate()
        backward.deallocate()
    }

    /// Aligns `xv[xoff..<xlim]` with `yv[yoff..<ylim]`, marking what is not matched.
    func compare(_ xoff: Int, _ xlim: Int, _ yoff: Int, _ ylim: Int, depth: Int) {
        var xoff = xoff, xlim = xlim, yoff = yoff, ylim = ylim
        while xoff < xlim && yoff < ylim && xv[xoff] == yv[yoff] {
            xoff += 1
            yoff += 1
        }
        while xlim > xoff && ylim > yoff && xv[xlim - 1] == yv[ylim - 1] {
            xlim -= 1
            ylim -= 1
        }
        if xoff == xlim {
            for y in yoff..<ylim { changedNew[y] = true }
        } else if yoff == ylim {
            for x in xoff..<xlim { changedOld[x] = true }
        } else if let (xmid, ymid) = middleSnake(xoff, xlim, yoff, ylim) {
            // Both halves cost strictly less than the whole (the region is trimmed, so D >= 2).
            compare(xoff, xmid, yoff, ymid, depth: depth)
            compare(xmid, xlim, ymid, ylim, depth: depth)
        } else {
            coarse = true
            anchorSplit(xoff, xlim, yoff, ylim, depth: depth)
        }
    }

    /// Finds a point on an optimal path through the region by searching from both corners at once
    /// (Myers 1986, section 4b), or nil when that takes more than `halfCostLimit` steps.
    private func middleSnake(_ xoff: Int, _ xlim: Int, _ yoff: Int, _ ylim: Int) -> (Int, Int)? {
        let fd = forward + diagonalOffset
        let bd = backward + diagonalOffset
        let xv = UnsafeBufferPointer(self.xv)
        let yv = UnsafeBufferPointer(self.yv)
        let dmin = xoff - ylim
        let dmax = xlim - yoff
        let fmid = xoff - yoff
        let bmid = xlim - ylim
        var fmin = fmid, fmax = fmid
        var bmin = bmid, bmax = bmid
        let odd = (fmid - bmid) & 1 != 0
        fd[fmid] = xoff
        bd[bmid] = xlim

        var cost = 1
        while cost <= halfCostLimit {
            // Forward: one more edit on every reachable diagonal.
            if fmin > dmin {
                fmin -= 1
                fd[fmin - 1] = -1
            } else {
                fmin += 1
            }
            if fmax < dmax {
                fmax += 1
                fd[fmax + 1] = -1
            } else {
                fmax -= 1
            }
            var d = fmax
            while d >= fmin {
                let low = fd[d - 1]
                let high = fd[d + 1]
                var x = low < high ? high : low + 1
                var y = x - d
                while x < xlim && y < ylim && xv[x] == yv[y] {
                    x += 1
                    y += 1
                }
                fd[d] = x
                if odd && bmin <= d && d <= bmax && bd[d] <= x { return (x, y) }
                d -= 2
            }

            // Backward, from the bottom-right corner.
            if bmin > dmin {
                bmin -= 1
                bd[bmin - 1] = Int.max
            } else {
                bmin += 1
            }
            if bmax < dmax {
                bmax += 1
                bd[bmax + 1] = Int.max
            } else {
                bmax -= 1
            }
            d = bmax
            while d >= bmin {
                let low = bd[d - 1]
                let high = bd[d + 1]
                var x = low < high ? low : high - 1
                var y = x - d
                while x > xoff && y > yoff && xv[x - 1] == yv[y - 1] {
                    x -= 1
                    y -= 1
                }
                bd[d] = x
                if !odd && fmin <= d && d <= fmax && x <= fd[d] { return (x, y) }
                d -= 2
            }
            cost += 1
        }
        return nil
    }

    /// The coarse fallback: match the lines that occur exactly once on each side of the region,
    /// keep the longest run of them that is in the same order on both sides (patience diff's
    /// anchors), and align the gaps between anchors separately. Without anchors, the region is
    /// one replaced block. Either way the result is a correct script.
    private func anchorSplit(_ xoff: Int, _ xlim: Int, _ yoff: Int, _ ylim: Int, depth: Int) {
        guard depth < Self.maxAnchorDepth else { return replace(xoff, xlim, yoff, ylim) }
        if countX.isEmpty {
            countX = [Int32](repeating: 0, count: idCount)
            countY = [Int32](repeating: 0, count: idCount)
            positionY = [Int](repeating: 0, count: idCount)
        }
        for x in xoff..<xlim { countX[xv[x]] &+= 1 }
        for y in yoff..<ylim {
            countY[yv[y]] &+= 1
            positionY[yv[y]] = y
        }
        var candidates: [(x: Int, y: Int)] = []
        for x in xoff..<xlim {
            let id = xv[x]
            if countX[id] == 1 && countY[id] == 1 { candidates.append((x, positionY[id])) }
        }
        for x in xoff..<xlim { countX[xv[x]] = 0 }
        for y in yoff..<ylim { countY[yv[y]] = 0 }

        let anchors = Self.longestIncreasing(candidates)
        if anchors.isEmpty { return replace(xoff, xlim, yoff, ylim) }
        var x = xoff
        var y = yoff
        for anchor in anchors {
            compare(x, anchor.x, y, anchor.y, depth: depth + 1)
            x = anchor.x + 1
            y = anchor.y + 1
        }
        compare(x, xlim, y, ylim, depth: depth + 1)
    }

    private func replace(_ xoff: Int, _ xlim: Int, _ yoff: Int, _ ylim: Int) {
        for x in xoff..<xlim { changedOld[x] = true }
        for y in yoff..<ylim { changedNew[y] = true }
    }

    /// The longest subsequence of `pairs` (increasing in x) that also increases in y, by patience
    /// sorting in O(k log k).
    static func longestIncreasing(_ pairs: [(x: Int, y: Int)]) -> [(x: Int, y: Int)] {
        guard !pairs.isEmpty else { return [] }
        var tails: [Int] = []  // index into pairs of the smallest tail of each length
        var previous = [Int](repeating: -1, count: pairs.count)
        for (index, pair) in pairs.enumerated() {
            var low = 0
            var high = tails.count
            while low < high {
                let mid = (low + high) / 2
                if pairs[tails[mid]].y < pair.y { low = mid + 1 } else { high = mid }
            }
            if low > 0 { previous[index] = tails[low - 1] }
            if low == tails.count { tails.append(index) } else { tails[low] = index }
        }
        var result: [(x: Int, y: Int)] = []
        result.reserveCapacity(tails.count)
        var index = tails[tails.count - 1]
        while index >= 0 {
            result.append(pairs[index])
            index = previous[index]
        }
        return result.reversed()
    }
}
