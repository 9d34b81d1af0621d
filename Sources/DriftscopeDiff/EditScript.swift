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
    /// 3. The rest goes through Myers' O(ND) linear-space divide and conquer, capped per region
    ///    (see `MyersSearch`).
    /// 4. GNU diff's boundary shifting slides each run of changes to a canonical place.
    ///
    /// `horizon` (the diff's context) changes nothing but the choice between equally short scripts:
    /// GNU diff keeps only `horizon` lines of the common prefix and of the common suffix in view
    /// when it counts lines for step 2 and when it shifts boundaries, and doing the same here
    /// makes the hunks come out as `diff -u` prints them more often.
    static func align(old: [Int], new: [Int], idCount: Int, maxCost: Int, horizon: Int) -> EditScript {
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
        if oldRange.isEmpty && newRange.isEmpty { return script }

        // The part GNU diff keeps in view (its "buffered lines"). Its suffix is measured after the
        // prefix was cut back by the horizon, so it may reach into those lines.
        let low = prefix - min(prefix, horizon)
        var viewSuffix = 0
        while viewSuffix < n - low, viewSuffix < m - low, old[n - 1 - viewSuffix] == new[m - 1 - viewSuffix] {
            viewSuffix += 1
        }
        let hidden = viewSuffix - min(viewSuffix, horizon)
        let oldView = low..<(n - hidden)
        let newView = low..<(m - hidden)

        if oldRange.isEmpty || newRange.isEmpty {
            for i in oldRange { script.removed[i] = true }
            for j in newRange { script.added[j] = true }
        } else {
            // Keep only the lines that have a counterpart in the other side's view.
            var inOld = [Bool](repeating: false, count: idCount)
            var inNew = [Bool](repeating: false, count: idCount)
            for i in oldView { inOld[old[i]] = true }
            for j in newView { inNew[new[j]] = true }
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
                search.run()
                for k in 0..<keptOld.count where search.changedOld[k] { script.removed[keptOldIndex[k]] = true }
                for k in 0..<keptNew.count where search.changedNew[k] { script.added[keptNewIndex[k]] = true }
                script.coarse = search.coarse
            }
        }

        shiftBoundaries(ids: old[oldView], changed: &script.removed[oldView], otherChanged: script.added[newView])
        shiftBoundaries(ids: new[newView], changed: &script.added[newView], otherChanged: script.removed[oldView])
        return script
    }

    /// GNU diff's `shift_boundaries` (analyze.c): slide each run of changes as far down as it goes,
    /// merging with runs it meets, then back up to line up with a run of changes on the other side
    /// if one was passed. Sliding only swaps a changed line with an equal unchanged one, so the
    /// script stays valid and the same length; the point is output that matches `diff -u`.
    ///
    /// The slices must cover corresponding parts of both sides (the same lines matched around them).
    static func shiftBoundaries(ids: ArraySlice<Int>, changed: inout ArraySlice<Bool>, otherChanged: ArraySlice<Bool>) {
        let end = ids.count
        // GNU relies on an unchanged sentinel on both ends of both flag arrays; index k is at k + 1.
        var flags = [Bool](repeating: false, count: end + 2)
        var other = [Bool](repeating: false, count: otherChanged.count + 2)
        var anyChange = false
        for (k, flag) in changed.enumerated() {
            flags[k + 1] = flag
            anyChange = anyChange || flag
        }
        guard anyChange else { return }
        for (k, flag) in otherChanged.enumerated() { other[k + 1] = flag }
        let ids = Array(ids)

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
        for k in 0..<end { changed[changed.startIndex + k] = flags[k + 1] }
    }
}

/// Myers' linear-space O(ND) search with a cost cap per region, after GNU diff's `compareseq`/`diag`.
///
/// A region whose edit distance is at most about `maxCost` is aligned exactly (a shortest edit
/// script). Past the cap the search stops and the region is split coarsely, which sets `coarse`:
/// - on anchors, the lines that occur exactly once on each side of the region, keeping the longest
///   run of them in the same order on both sides (patience diff); the gaps are aligned separately;
/// - without anchors, at the furthest point either search direction reached (GNU diff's
///   `too_expensive` heuristic), the two parts again aligned separately.
/// Both splits follow a path through the edit graph, so the script stays correct. A capped
/// search costs about `maxCost² / 2` steps and moves the split at least `maxCost / 2` lines, so a
/// region of size S costs O(S · maxCost) at worst.
///
/// Regions are processed from an explicit stack rather than by recursion: the coarse splits can
/// nest deeply, and tests run on threads with small stacks.
///
/// A final class so that the work shares its buffers; it never leaves `EditScript.align`.
final class MyersSearch {
    private let xv: UnsafeMutableBufferPointer<Int>
    private let yv: UnsafeMutableBufferPointer<Int>
    /// Furthest-reaching x per diagonal, forward and backward. Diagonals run from -(m + 1) to
    /// n + 1, so diagonal k is stored at k + m + 1.
    private let forward: UnsafeMutablePointer<Int>
    private let backward: UnsafeMutablePointer<Int>
    private let diagonalCount: Int
    private let diagonalOffset: Int
    /// Search iterations (one edit in each direction) before a region counts as too costly;
    /// at least one, so that a capped search always gets past its starting corners.
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

    /// A part of the problem still to align: `xv[xoff..<xlim]` against `yv[yoff..<ylim]`.
    private struct Region {
        var xoff: Int, xlim: Int, yoff: Int, ylim: Int
        /// Whether the anchor split may be tried; false inside a gap it produced, where the
        /// region's unique lines were already considered at a larger scale (this also bounds the
        /// work spent counting lines).
        var anchors: Bool
    }

    /// What a capped middle-snake search found.
    private enum Split {
        /// A point on a shortest path through the region.
        case optimal(x: Int, y: Int)
        /// The cap was reached; the furthest point reached so far, strictly inside the region.
        case tooCostly(x: Int, y: Int)
    }

    private var pending: [Region] = []

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
        halfCostLimit = max(1, maxCost / 2 + maxCost % 2)
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

    /// Aligns the whole of both sequences, marking what is not matched.
    func run() {
        pending = [Region(xoff: 0, xlim: xv.count, yoff: 0, ylim: yv.count, anchors: true)]
        while let region = pending.popLast() { align(region) }
    }

    private func align(_ region: Region) {
        var xoff = region.xoff, xlim = region.xlim, yoff = region.yoff, ylim = region.ylim
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
            return
        }
        if yoff == ylim {
            for x in xoff..<xlim { changedOld[x] = true }
            return
        }
        // Both parts of either split are strictly smaller than the region (it is trimmed, so its
        // edit distance is at least 2), so the work ends.
        switch middleSnake(xoff, xlim, yoff, ylim) {
        case .optimal(let x, let y):
            pending.append(Region(xoff: xoff, xlim: x, yoff: yoff, ylim: y, anchors: region.anchors))
            pending.append(Region(xoff: x, xlim: xlim, yoff: y, ylim: ylim, anchors: region.anchors))
        case .tooCostly(let x, let y):
            coarse = true
            if region.anchors && splitOnAnchors(xoff, xlim, yoff, ylim) { return }
            pending.append(Region(xoff: xoff, xlim: x, yoff: yoff, ylim: y, anchors: false))
            pending.append(Region(xoff: x, xlim: xlim, yoff: y, ylim: ylim, anchors: false))
        }
    }

    /// Searches from both corners at once for a point on a shortest path (Myers 1986, section 4b),
    /// giving up after `halfCostLimit` steps in each direction.
    private func middleSnake(_ xoff: Int, _ xlim: Int, _ yoff: Int, _ ylim: Int) -> Split {
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

        for _ in 0..<halfCostLimit {
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
                if odd && bmin <= d && d <= bmax && bd[d] <= x { return .optimal(x: x, y: y) }
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
                if !odd && fmin <= d && d <= fmax && x <= fd[d] { return .optimal(x: x, y: y) }
                d -= 2
            }
        }

        // Too costly: take whichever search got further, measured in x + y from its corner.
        // Neither reached the opposite corner (that would have been an overlap), so the point is
        // strictly inside.
        var forwardBest = -1, forwardX = xoff
        var d = fmax
        while d >= fmin {
            var x = min(fd[d], xlim)
            var y = x - d
            if y > ylim {
                x = ylim + d
                y = ylim
            }
            if x + y > forwardBest {
                forwardBest = x + y
                forwardX = x
            }
            d -= 2
        }
        var backwardBest = Int.max, backwardX = xlim
        d = bmax
        while d >= bmin {
            var x = max(xoff, bd[d])
            var y = x - d
            if y < yoff {
                x = yoff + d
                y = yoff
            }
            if x + y < backwardBest {
                backwardBest = x + y
                backwardX = x
            }
            d -= 2
        }
        if (xlim + ylim) - backwardBest < forwardBest - (xoff + yoff) {
            return .tooCostly(x: forwardX, y: forwardBest - forwardX)
        }
        return .tooCostly(x: backwardX, y: backwardBest - backwardX)
    }

    /// Splits the region on its anchors (see the type's comment), queueing the gaps between them;
    /// false when there are none.
    private func splitOnAnchors(_ xoff: Int, _ xlim: Int, _ yoff: Int, _ ylim: Int) -> Bool {
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
        guard !anchors.isEmpty else { return false }
        var x = xoff
        var y = yoff
        for anchor in anchors {
            pending.append(Region(xoff: x, xlim: anchor.x, yoff: y, ylim: anchor.y, anchors: false))
            x = anchor.x + 1
            y = anchor.y + 1
        }
        pending.append(Region(xoff: x, xlim: xlim, yoff: y, ylim: ylim, anchors: false))
        return true
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
