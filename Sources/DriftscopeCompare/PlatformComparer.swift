import DriftscopeArchive
import DriftscopeDiff
import DriftscopeImage
import DriftscopePackages
import Foundation

/// Compares one platform of two images: layers, config, packages, then every path of the merged
/// filesystems, each difference labelled by the rule that decided it.
struct PlatformComparer {
    let a: PreparedImage
    let b: PreparedImage
    let key: String
    let options: CompareOptions

    var policy: Policy { options.policy }

    func run() async -> PlatformComparison {
        let layers = layerComparisons()
        let config = ConfigComparer.compare(a, b, policy: policy, platform: key)
        var result = PlatformComparison(
            platform: key, verdict: .byteEqual, reason: "", manifestDigestA: a.manifestDigest, manifestDigestB: b.manifestDigest,
            config: config, layers: layers, differences: [],
            packages: PackageReport(changes: [], ecosystems: [], countA: 0, countB: 0, problems: []), findings: [])
        if let ma = a.manifestDigest, ma == b.manifestDigest {
            result.reason = "the manifest digests are equal (\(ma.short)): the same image"
            return result
        }
        let sameLayers = a.layers.count == b.layers.count && zip(a.layers, b.layers).allSatisfy { $0.diffID == $1.diffID }
        if sameLayers, let ca = a.configDigest, ca == b.configDigest {
            let compressed = layers.filter { $0.relation == .compressionOnly }.count
            result.reason = compressed > 0
                ? "the config and every layer's uncompressed content (diff_id) are equal; only the compression of \(compressed) layer\(compressed == 1 ? "" : "s") (or the manifest wrapping) differs"
                : "the config and every layer are equal; only the manifest wrapping (media types or annotations) differs"
            if config.contains(where: { $0.classification == .drift }) {
                result.verdict = .drift
                result.reason = "the layers and config are equal but the manifest annotations differ"
            }
            return result
        }
        result.pathsA = a.filesystem?.entries.count
        result.pathsB = b.filesystem?.entries.count
        // Findings of each side, and the ones that differ between them.
        result.findings = a.findings.map { side("a", $0) } + b.findings.map { side("b", $0) }

        let invA = a.inventory ?? PackageInventory(packages: [], ecosystems: [], problems: [], fileOwners: [:])
        let invB = b.inventory ?? PackageInventory(packages: [], ecosystems: [], problems: [], fileOwners: [:])
        let changes = PackageInventory.changes(from: invA, to: invB)
        result.packages = PackageReport(
            changes: changes, ecosystems: Array(Set(invA.ecosystems + invB.ecosystems)).map(\.rawValue).sorted(),
            countA: invA.packages.count, countB: invB.packages.count, problems: invA.problems + invB.problems)

        var files = FileComparer(a: a, b: b, platform: key, options: options, inventoryA: invA, inventoryB: invB, changes: changes)
        result.differences = await files.run()

        let driftFiles = result.differences.count { $0.classification == .drift }
        let driftConfig = config.filter { $0.classification == .drift }
        if driftFiles > 0 || !driftConfig.isEmpty || !changes.isEmpty {
            result.verdict = .drift
            var parts: [String] = []
            if !changes.isEmpty { parts.append("\(changes.count) package change\(changes.count == 1 ? "" : "s")") }
            if driftFiles > 0 { parts.append("\(driftFiles) drifted path difference\(driftFiles == 1 ? "" : "s")") }
            if !driftConfig.isEmpty {
                let platformDrift = driftConfig.contains { $0.category == "platform" }
                parts.append(platformDrift ? "a different platform in the config" : "\(driftConfig.count) config difference\(driftConfig.count == 1 ? "" : "s")")
            }
            result.reason = parts.joined(separator: ", ")
        } else {
            result.verdict = .dependencyEquivalent
            let noise = result.differences.count + config.count
            let ecosystems = result.packages.ecosystems
            result.reason = "\(noise) difference\(noise == 1 ? "" : "s"), all noise; the package sets are identical"
                + (ecosystems.isEmpty ? " (no package database found)" : " (\(ecosystems.joined(separator: ", ")): \(invA.packages.count) packages)")
        }
        return result
    }

    func side(_ s: String, _ f: Finding) -> SideFinding {
        SideFinding(side: s, kind: f.kind.rawValue, path: f.path, layer: f.layer, message: f.message, platform: key)
    }

    func layerComparisons() -> [LayerComparison] {
        (0..<max(a.layers.count, b.layers.count)).map { i in
            let la = i < a.layers.count ? a.layers[i] : nil
            let lb = i < b.layers.count ? b.layers[i] : nil
            let relation: LayerComparison.Relation
            switch (la, lb) {
            case let (x?, y?) where x.digest == y.digest: relation = .identical
            case let (x?, y?) where x.diffID == y.diffID: relation = .compressionOnly
            case (_?, _?): relation = .different
            case (_?, nil): relation = .onlyA
            default: relation = .onlyB
            }
            return LayerComparison(index: i, a: la, b: lb, relation: relation, platform: key)
        }
    }
}

/// The file-by-file comparison of two merged filesystems.
struct FileComparer {
    let a: PreparedImage
    let b: PreparedImage
    let platform: String
    let options: CompareOptions
    let inventoryA: PackageInventory
    let inventoryB: PackageInventory
    let changes: [PackageChange]
    var differences: [Difference] = []
    /// Content differences waiting for the second pass: index into `differences`.
    var pending: [Int] = []

    init(a: PreparedImage, b: PreparedImage, platform: String, options: CompareOptions,
         inventoryA: PackageInventory, inventoryB: PackageInventory, changes: [PackageChange]) {
        self.a = a; self.b = b; self.platform = platform; self.options = options
        self.inventoryA = inventoryA; self.inventoryB = inventoryB; self.changes = changes
    }

    var policy: Policy { options.policy }

    mutating func run() async -> [Difference] {
        let fa = a.filesystem?.entries ?? .empty
        let fb = b.filesystem?.entries ?? .empty
        // The hardlink groups of each side are found while the paths are sorted.
        async let groupsA = Self.linkGroups(fa)
        async let groupsB = Self.linkGroups(fb)
        var paths: [String] = []
        paths.reserveCapacity(fa.count + fb.count)
        paths.append(contentsOf: fa.keys)
        for path in fb.keys where !fa.contains(path) { paths.append(path) }
        paths.sort()
        let (linkGroupsA, linkGroupsB) = await (groupsA, groupsB)
        Trace.mark("sorted \(paths.count) paths")
        // Pairing is independent per path: on a large tree the two halves run on two cores and
        // their differences are joined in path order.
        if paths.count >= 20_000 && options.concurrency > 1 {
            let half = paths.count / 2
            let base = self
            let lower = paths[..<half], upper = paths[half...]
            async let left = base.pairing(lower, fa, fb, linkGroupsA, linkGroupsB, reserving: paths.count)
            async let right = base.pairing(upper, fa, fb, linkGroupsA, linkGroupsB)
            var (l, r) = await (left, right)
            // The left half's array was sized for both: the right half is appended in place.
            pending = l.pending + r.pending.map { $0 + l.differences.count }
            l.differences.append(contentsOf: r.differences)
            differences = l.differences
        } else {
            (differences, pending) = pairing(paths[...], fa, fb, linkGroupsA, linkGroupsB)
        }
        Trace.mark("paired \(differences.count) path differences")
        entryOrder()
        unsafeDifferences()
        await secondPass()
        Trace.mark("second pass")
        return differences
    }

    /// The differences (and the content differences left for the second pass) of some paths.
    func pairing(_ paths: ArraySlice<String>, _ fa: MergedEntries, _ fb: MergedEntries,
                 _ linkGroupsA: [String: Set<String>], _ linkGroupsB: [String: Set<String>],
                 reserving capacity: Int = 0) -> (differences: [Difference], pending: [Int]) {
        var comparer = self
        comparer.differences = []
        comparer.differences.reserveCapacity(capacity)
        comparer.pending = []
        for path in paths {
            let ea = fa[path], eb = fb[path]
            switch (ea, eb) {
            case (nil, let y?) where path == "/":
                comparer.add(path, .added, rule: .tarFormat, ea: nil, eb: y, va: nil, vb: describe(y.record), explanation: Self.rootEntry)
            case (let x?, nil) where path == "/":
                comparer.add(path, .removed, rule: .tarFormat, ea: x, eb: nil, va: describe(x.record), vb: nil, explanation: Self.rootEntry)
            case (nil, let y?):
                comparer.add(path, .added, rule: .fileAdded, ea: nil, eb: y, va: nil, vb: describe(y.record))
            case (let x?, nil):
                comparer.add(path, .removed, rule: .fileRemoved, ea: x, eb: nil, va: describe(x.record), vb: nil)
            case (let x?, let y?):
                comparer.compareEntries(path, x, y, linkGroupsA, linkGroupsB)
            default: break
            }
        }
        return (comparer.differences, comparer.pending)
    }

    static let rootEntry = "Only one image stores an entry for the root directory ('./'); some tools write it and others do not, and the root exists either way."

    // MARK: classification

    /// Adds a difference, classifying it: the policy's drift list first, then its noise list, then
    /// logs and caches, then the kind's own rule.
    mutating func add(_ path: String, _ kind: DifferenceKind, rule: Rule, ea: MergedEntry?, eb: MergedEntry?,
                      va: String?, vb: String?, security: Bool = false, explanation: String? = nil, deferContent: Bool = false) {
        var rule = rule
        var why = explanation ?? rule.explanation
        var classification = rule.classification
        var category = rule.classification == .noise ? rule.rawValue : kind.rawValue
        if rule.classification == .noise && !policy.enabled(rule) {
            (rule, classification, category) = (driftRule(for: kind), .drift, kind.rawValue)
            why = "\(rule.explanation) (the noise rule that would apply is turned off by the policy)"
        }
        if let hit = policy.drift.first(where: { $0.glob.matches(path) }) {
            (rule, classification, category, why) = (.policyDrift, .drift, kind.rawValue, "\(hit.reason) (policy: \(hit.glob))")
        } else if let hit = policy.noise.first(where: { $0.glob.matches(path) }) {
            (rule, classification, category, why) = (.policyNoise, .noise, "policy", "\(hit.reason) (policy: \(hit.glob))")
        } else if classification == .drift, policy.enabled(.logsAndCaches), logAndCacheGlobs.contains(where: { $0.matches(path) }) {
            (rule, classification, category, why) = (.logsAndCaches, .noise, Rule.logsAndCaches.rawValue, Rule.logsAndCaches.explanation)
        }
        var package: String?
        // Noise (tens of thousands of timestamp differences in a rebuild) is not attributed: the
        // lookup walks every parent folder, and drift is where a package name helps.
        if classification == .drift, let owner = inventoryB.owner(of: path) ?? inventoryA.owner(of: path) {
            package = "\(owner.ecosystem.rawValue):\(owner.name)"
            if classification == .drift, let change = changes.first(where: { $0.ecosystem == owner.ecosystem && $0.name == owner.name }) {
                why += " The path belongs to \(package!), which changed (\(change.from ?? "absent") → \(change.to ?? "absent"))."
            }
        }
        differences.append(Difference(
            path: path, kind: kind, category: category, classification: classification, rule: rule.rawValue,
            explanation: why, layerA: ea?.layer, layerB: eb?.layer, a: va, b: vb, securityRelevant: security,
            package: package, platform: platform))
        if deferContent && rule == .contentChanged { pending.append(differences.count - 1) }
    }

    func driftRule(for kind: DifferenceKind) -> Rule {
        switch kind {
        case .added: return .fileAdded
        case .removed: return .fileRemoved
        case .type: return .typeChanged
        case .mode: return .modeChanged
        case .owner, .ownerName: return .ownerChanged
        case .xattrs: return .xattrChanged
        case .symlinkTarget, .hardlinkTarget: return .linkChanged
        case .device: return .deviceChanged
        default: return .contentChanged
        }
    }

    func describe(_ r: FileRecord) -> String {
        switch r.type {
        case .file, .hardlink: return "\(r.type.rawValue) \(modeString(r.mode)) \(r.uid):\(r.gid) \(r.size) bytes"
        case .symlink: return "symlink → \(r.linkTarget ?? "")"
        default: return "\(r.type.rawValue) \(modeString(r.mode)) \(r.uid):\(r.gid)"
        }
    }

    mutating func compareEntries(_ path: String, _ x: MergedEntry, _ y: MergedEntry,
                                 _ groupsA: [String: Set<String>], _ groupsB: [String: Set<String>]) {
        let ra = x.record, rb = y.record
        let contentLike: Set<EntryType> = [.file, .hardlink]
        if ra.type != rb.type {
            if contentLike.contains(ra.type) && contentLike.contains(rb.type) && ra.digest == rb.digest && ra.digest != nil
                && groupsA[path] == groupsB[path] {
                // One inode stored under two names: which name carries the data follows entry order.
                add(path, .hardlinkTarget, rule: .entryOrder, ea: x, eb: y, va: describeLink(ra), vb: describeLink(rb),
                    explanation: "The same hardlinked file; which of its names is stored first (as the file) follows tar entry order.")
            } else {
                add(path, .type, rule: .typeChanged, ea: x, eb: y, va: ra.type.rawValue, vb: rb.type.rawValue)
                return
            }
        }
        if ra.type == .file || (ra.type == .hardlink && rb.type == .hardlink) || (contentLike.contains(ra.type) && contentLike.contains(rb.type)) {
            if ra.digest != rb.digest {
                classifyContent(path, x, y)
            }
        }
        if ra.type == .hardlink && rb.type == .hardlink && ra.linkTarget != rb.linkTarget {
            if ra.digest == rb.digest && groupsA[path] == groupsB[path] {
                add(path, .hardlinkTarget, rule: .entryOrder, ea: x, eb: y, va: ra.linkTarget, vb: rb.linkTarget,
                    explanation: "The same set of hardlinked names; the name stored first differs with tar entry order.")
            } else {
                add(path, .hardlinkTarget, rule: .linkChanged, ea: x, eb: y, va: ra.linkTarget, vb: rb.linkTarget)
            }
        }
        if ra.type == .symlink && ra.linkTarget != rb.linkTarget {
            add(path, .symlinkTarget, rule: .linkChanged, ea: x, eb: y, va: ra.linkTarget, vb: rb.linkTarget)
        }
        if ra.mode != rb.mode {
            let special: UInt32 = 0o7000
            let securityChange = (ra.mode & special) != (rb.mode & special)
            add(path, .mode, rule: securityChange ? .specialBits : .modeChanged, ea: x, eb: y,
                va: modeString(ra.mode), vb: modeString(rb.mode), security: securityChange)
        }
        if ra.uid != rb.uid || ra.gid != rb.gid {
            add(path, .owner, rule: .ownerChanged, ea: x, eb: y, va: "\(ra.uid):\(ra.gid)", vb: "\(rb.uid):\(rb.gid)")
        } else if (ra.uname ?? "") != (rb.uname ?? "") || (ra.gname ?? "") != (rb.gname ?? "") {
            add(path, .ownerName, rule: .tarFormat, ea: x, eb: y, va: "\(ra.uname ?? "-"):\(ra.gname ?? "-")",
                vb: "\(rb.uname ?? "-"):\(rb.gname ?? "-")")
        }
        if ra.xattrs != rb.xattrs {
            let capA = ra.xattrs["security.capability"], capB = rb.xattrs["security.capability"]
            let names = Set(ra.xattrs.keys).union(rb.xattrs.keys).filter { ra.xattrs[$0] != rb.xattrs[$0] }.sorted()
            add(path, .xattrs, rule: capA != capB ? .capabilityChanged : .xattrChanged, ea: x, eb: y,
                va: names.map { "\($0)=\(ra.xattrs[$0] ?? "∅")" }.joined(separator: " "),
                vb: names.map { "\($0)=\(rb.xattrs[$0] ?? "∅")" }.joined(separator: " "), security: capA != capB)
        }
        if ra.devMajor != rb.devMajor || ra.devMinor != rb.devMinor {
            add(path, .device, rule: .deviceChanged, ea: x, eb: y, va: "\(ra.devMajor),\(ra.devMinor)", vb: "\(rb.devMajor),\(rb.devMinor)")
        }
        if ra.mtime != rb.mtime || ra.atime != rb.atime || ra.ctime != rb.ctime {
            add(path, .mtime, rule: .timestamps, ea: x, eb: y, va: ra.mtime?.description, vb: rb.mtime?.description)
        }
        if ra.type == rb.type && !ra.hasSameRawName(as: rb) {
            add(path, .pathPrefix, rule: .pathPrefix, ea: x, eb: y, va: ra.rawName, vb: rb.rawName)
        }
    }

    func describeLink(_ r: FileRecord) -> String {
        r.type == .hardlink ? "hardlink → \(r.linkTarget ?? "")" : "file (\(r.digest?.short ?? "?"))"
    }

    /// Content differs: rules that need only the index decide now, the rest wait for the second pass.
    mutating func classifyContent(_ path: String, _ x: MergedEntry, _ y: MergedEntry) {
        let va = x.record.digest.map { "sha256:\($0.short) \(x.record.size) bytes" }
        let vb = y.record.digest.map { "sha256:\($0.short) \(y.record.size) bytes" }
        if path.hasSuffix(".pyc"), policy.enabled(.pythonBytecode), let why = bytecodeNoise(path, x.record, y.record) {
            add(path, .content, rule: .pythonBytecode, ea: x, eb: y, va: va, vb: vb, explanation: why)
            return
        }
        if PackageDatabase.wantsContent(path: path, size: 0), policy.enabled(.packageDatabase),
           isDatabase(path), changes.isEmpty, inventoryA.packages == inventoryB.packages, !inventoryA.packages.isEmpty {
            add(path, .content, rule: .packageDatabase, ea: x, eb: y, va: va, vb: vb)
            return
        }
        add(path, .content, rule: .contentChanged, ea: x, eb: y, va: va, vb: vb, deferContent: true)
    }

    func isDatabase(_ path: String) -> Bool {
        path.hasSuffix("/var/lib/dpkg/status") || path.contains("/var/lib/dpkg/status.d/") || path.hasSuffix("/lib/apk/db/installed")
            || path.hasSuffix("rpmdb.sqlite") || path.hasSuffix("/Packages") && path.contains("/rpm/")
    }

    /// Why a `.pyc` difference is noise, or nil.
    func bytecodeNoise(_ path: String, _ ra: FileRecord, _ rb: FileRecord) -> String? {
        if let ba = ra.pycBodyDigest, ba == rb.pycBodyDigest {
            return "Python bytecode that differs only in its 16-byte header (PEP 552 flags, source mtime and size); the code is identical."
        }
        let source = Self.pythonSource(for: path)
        if let sa = a.filesystem?.entries[source]?.record.digest, sa == b.filesystem?.entries[source]?.record.digest {
            return "Python bytecode rebuilt from the byte-equal source \(source); rebuilt bytecode embeds build times and paths."
        }
        return nil
    }

    /// The `.py` a `.pyc` was compiled from: `d/__pycache__/m.cpython-311.opt-1.pyc` → `d/m.py`, `d/m.pyc` → `d/m.py`.
    static func pythonSource(for path: String) -> String {
        let dir = ImagePath.parent(path)
        let file = (path as NSString).lastPathComponent
        if (dir as NSString).lastPathComponent == "__pycache__" {
            let module = file.split(separator: ".").first.map(String.init) ?? file
            return ImagePath.join(ImagePath.parent(dir), module + ".py")
        }
        return String(path.dropLast(1))
    }

    /// Hardlink groups: each path of a group → the whole group.
    static func linkGroups(_ entries: MergedEntries) -> [String: Set<String>] {
        var groups: [String: Set<String>] = [:]
        for path in entries.paths(ofType: .hardlink) {
            guard let target = entries[path]?.record.linkTarget else { continue }
            var group = (groups[target] ?? [target]).union(groups[path] ?? [path])
            group.insert(path)
            for member in group { groups[member] = group }
        }
        return groups
    }

    /// Layers at the same position holding the same paths in another order.
    mutating func entryOrder() {
        guard let oa = a.layerOrders, let ob = b.layerOrders else { return }
        for i in 0..<min(oa.count, ob.count) where oa[i] != ob[i] && oa[i].count == ob[i].count && Set(oa[i]) == Set(ob[i]) {
            guard policy.enabled(.entryOrder) else { continue }
            let first = zip(oa[i], ob[i]).first { $0 != $1 }
            differences.append(Difference(
                path: "/", kind: .entryOrder, category: Rule.entryOrder.rawValue, classification: .noise,
                rule: Rule.entryOrder.rawValue, explanation: "Layer \(i): \(Rule.entryOrder.explanation)",
                layerA: i, layerB: i, a: first?.0, b: first?.1, platform: platform))
        }
    }

    /// Unsafe entries found in one image and not the other.
    mutating func unsafeDifferences() {
        let unsafe: Set<Finding.Kind> = [.unsafePath, .unsafeSymlink, .writeThroughSymlink, .missingHardlinkTarget]
        let fa = Set(a.findings.filter { unsafe.contains($0.kind) }.map { "\($0.kind.rawValue) \($0.path)" })
        let fb = Set(b.findings.filter { unsafe.contains($0.kind) }.map { "\($0.kind.rawValue) \($0.path)" })
        for item in fa.symmetricDifference(fb).sorted() {
            let parts = item.split(separator: " ", maxSplits: 1).map(String.init)
            differences.append(Difference(
                path: parts.count > 1 ? parts[1] : item, kind: .type, category: "unsafe", classification: .drift,
                rule: Rule.unsafeEntry.rawValue, explanation: "\(Rule.unsafeEntry.explanation) (\(parts[0]) only in image \(fa.contains(item) ? "A" : "B"))",
                a: fa.contains(item) ? parts[0] : nil, b: fb.contains(item) ? parts[0] : nil, securityRelevant: true, platform: platform))
        }
    }

    // MARK: second pass

    /// Reads again, from only the layers that hold them, the files whose content differs, to apply
    /// the content rules and attach a diff.
    mutating func secondPass() async {
        guard !pending.isEmpty else { return }
        let chosen = Array(pending.prefix(options.maxContentFiles))
        var wantA: [Int: Set<String>] = [:]
        var wantB: [Int: Set<String>] = [:]
        var expectedA: [String: Digest] = [:]
        var expectedB: [String: Digest] = [:]
        var caughtA: [String: Data] = [:]
        var caughtB: [String: Data] = [:]
        let exchange = a.exchange ?? b.exchange
        for i in chosen {
            let d = differences[i]
            let ra = a.filesystem?.entries[d.path]?.record, rb = b.filesystem?.entries[d.path]?.record
            expectedA[d.path] = ra?.digest
            expectedB[d.path] = rb?.digest
            // Kept by the first pass already: package databases are captured whole.
            if let ca = a.filesystem?.captured[d.path], let cb = b.filesystem?.captured[d.path] {
                caughtA[d.path] = ca
                caughtB[d.path] = cb
                continue
            }
            // Caught in the first pass when both versions were written by the same layer position.
            if let l = d.layerA, l == d.layerB, let pair = exchange?.contents(position: l, path: d.path),
               SHA256Hasher.hash(pair.a) == ra?.digest, SHA256Hasher.hash(pair.b) == rb?.digest {
                caughtA[d.path] = pair.a
                caughtB[d.path] = pair.b
                continue
            }
            // Too large to read back: not worth a pass over its layer (marked below).
            if max(ra?.size ?? 0, rb?.size ?? 0) > Int64(options.maxDiffBytes) { continue }
            if let l = d.layerA, ra?.type == .file { wantA[l, default: []].insert(d.path) }
            if let l = d.layerB, rb?.type == .file { wantB[l, default: []].insert(d.path) }
        }
        let limit = options.maxDiffBytes
        async let fetchedA = ContentFetcher.fetch(a.resolved, wantA, expected: expectedA, limit: limit)
        async let fetchedB = ContentFetcher.fetch(b.resolved, wantB, expected: expectedB, limit: limit)
        let (contentA, contentB) = await (fetchedA.merging(caughtA) { x, _ in x }, fetchedB.merging(caughtB) { x, _ in x })
        var inspect: [(index: Int, path: String, a: Data, b: Data)] = []
        for i in chosen {
            let path = differences[i].path
            guard let da = contentA[path], let db = contentB[path] else {
                if a.resolved == nil || b.resolved == nil {
                    differences[i].diff = ContentDiff(type: "omitted", note: "the content of the \(a.resolved == nil ? "A" : "B") side is not available (a snapshot keeps digests, not bytes), so the content rules could not look inside")
                    continue
                }
                let sizeA = a.filesystem?.entries[path]?.record.size ?? 0
                let sizeB = b.filesystem?.entries[path]?.record.size ?? 0
                if max(sizeA, sizeB) > Int64(limit) {
                    differences[i].rule = Rule.tooLargeToInspect.rawValue
                    differences[i].explanation = Rule.tooLargeToInspect.explanation
                    differences[i].diff = ContentDiff(type: "omitted", note: "larger than --max-diff-bytes (\(limit) bytes)")
                }
                continue
            }
            inspect.append((i, path, da, db))
        }
        // The content rules and diffs of different files are independent: spread over the cores.
        let comparer = self
        let contentDiffs = options.contentDiffs
        let results = await withTaskGroup(of: (Int, (Rule, String)?, ContentDiff?).self) { group in
            var next = 0
            func launch() {
                let item = inspect[next]
                next += 1
                group.addTask {
                    (item.index, comparer.noiseRule(item.path, item.a, item.b),
                     contentDiffs ? ContentDiffer.diff(path: item.path, a: item.a, b: item.b, limit: limit) : nil)
                }
            }
            while next < inspect.count && next < max(1, options.concurrency) { launch() }
            var out: [(Int, (Rule, String)?, ContentDiff?)] = []
            while let result = await group.next() {
                out.append(result)
                if next < inspect.count { launch() }
            }
            return out
        }
        for (i, noise, diff) in results {
            let path = differences[i].path
            if let (rule, why) = noise {
                differences[i].rule = rule.rawValue
                differences[i].classification = .noise
                differences[i].category = rule.rawValue
                differences[i].explanation = why
                if policy.drift.contains(where: { $0.glob.matches(path) }) {
                    differences[i].rule = Rule.policyDrift.rawValue
                    differences[i].classification = .drift
                    differences[i].category = DifferenceKind.content.rawValue
                }
            }
            if let diff { differences[i].diff = diff }
        }
    }

    func noiseRule(_ path: String, _ da: Data, _ db: Data) -> (Rule, String)? {
        guard !policy.drift.contains(where: { $0.glob.matches(path) }) else { return nil }
        if policy.enabled(.gzipHeader), Compression.sniffGzip(da), Compression.sniffGzip(db),
           ContentRules.gzipPayloadEqual(da, db, limit: options.maxDiffBytes * 4) {
            return (.gzipHeader, Rule.gzipHeader.explanation)
        }
        let lower = path.lowercased()
        if policy.enabled(.zipMetadata), Self.isArchiveFile(lower, da) && Self.isArchiveFile(lower, db),
           let ma = ContentRules.members(da, limit: options.maxDiffBytes * 4), let mb = ContentRules.members(db, limit: options.maxDiffBytes * 4), ma == mb {
            return (.zipMetadata, Rule.zipMetadata.explanation + " (\(ma.count) members)")
        }
        if policy.enabled(.shadowLastChange), path == "/etc/shadow" || path == "/etc/shadow-", ContentRules.shadowOnlyLastChange(da, db) {
            return (.shadowLastChange, Rule.shadowLastChange.explanation)
        }
        if policy.enabled(.embeddedTimestamps), ContentKind.isText(da), ContentKind.isText(db), ContentRules.onlyTimestampsDiffer(da, db) {
            return (.embeddedTimestamps, Rule.embeddedTimestamps.explanation)
        }
        return nil
    }
}

extension FileComparer {
    /// Zip-family files (by name or `PK\u{3}\u{4}` magic) and tar files (by name or the `ustar`
    /// magic at offset 257), whose members the zip-metadata rule compares.
    static func isArchiveFile(_ lowercasedPath: String, _ data: Data) -> Bool {
        let zipNames = [".zip", ".jar", ".whl", ".egg", ".war", ".ear", ".apk", ".nupkg", ".tar"]
        if zipNames.contains(where: { lowercasedPath.hasSuffix($0) }) { return true }
        if data.starts(with: [0x50, 0x4b, 0x03, 0x04]) { return true }
        return data.count > 262 && data[data.startIndex + 257 ..< data.startIndex + 262].elementsEqual("ustar".utf8)
    }
}

/// Reads chosen files again from chosen layers, keeping only those whose bytes hash to the digest
/// the verified first pass recorded.
enum ContentFetcher {
    static func fetch(_ image: ResolvedImage?, _ want: [Int: Set<String>], expected: [String: Digest], limit: Int) async -> [String: Data] {
        guard let image, !want.isEmpty else { return [:] }
        var out: [String: Data] = [:]
        for (layerIndex, paths) in want.sorted(by: { $0.key < $1.key }) where layerIndex < image.layers.count {
            guard let files = try? LayerWalker.extract(image.layers[layerIndex], paths: paths, limit: Int64(limit), source: image.source) else { continue }
            for (path, data) in files where expected[path] == SHA256Hasher.hash(data) { out[path] = data }
        }
        return out
    }
}

/// `rwxr-xr-x`-style rendering with the octal value.
func modeString(_ mode: UInt32) -> String {
    String(format: "%04o", mode)
}
