import DriftscopeArchive
import DriftscopeImage
import DriftscopePackages
import Foundation

/// How to compare.
public struct CompareOptions: Sendable {
    /// Only this platform (nil: every platform of either image).
    public var platform: Platform?
    /// Which image of a multi-image archive, per side.
    public var imageA: String?
    public var imageB: String?
    /// The user's policy.
    public var policy = Policy()
    /// The most bytes of one file read again to classify or diff it.
    public var maxDiffBytes = 4 << 20
    /// The most files read again for content rules and diffs, per platform.
    public var maxContentFiles = 5000
    /// The layer-index cache folder (nil: no cache).
    public var cacheDirectory: URL?
    /// Parallel layer walks.
    public var concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Progress callback.
    public var progress: (@Sendable (ProgressEvent) -> Void)?
    /// Attach content diffs to drift differences.
    public var contentDiffs = true

    public init() {}
}

/// Compares two builds.
public enum Comparator {
    /// The capture rule the walk uses: package databases. Part of the cache key.
    static let captureSettings = "capture-v1"

    /// The walker used for the first pass.
    static var walker: LayerWalker {
        LayerWalker(capture: { path, size in PackageDatabase.wantsContent(path: path, size: size) })
    }

    /// Loads, verifies, walks and compares two inputs.
    public static func compare(_ pathA: String, _ pathB: String, options: CompareOptions = CompareOptions()) async throws(InputError) -> Comparison {
        let loadedA = try ImageLoader.load(path: pathA, image: options.imageA, platform: options.platform)
        let loadedB = try ImageLoader.load(path: pathB, image: options.imageB, platform: options.platform)
        Trace.mark("loaded both inputs")
        let (a, b) = try await prepareBoth(loadedA, loadedB, options: options)
        let comparison = await compare(a, b, options: options)
        // Tearing down two merged filesystems (a hundred thousand records) is the last use of the
        // sides: let another thread do it while the caller renders the reports.
        let sides = Box((a, b))
        Task.detached(priority: .background) { sides.release() }
        Trace.mark("compared")
        return comparison
    }

    /// Loads both sides' layers: walked when the platform's manifests differ, hash-checked only
    /// when they are the same manifest.
    public static func prepareBoth(_ a: LoadedImage, _ b: LoadedImage, options: CompareOptions) async throws(InputError) -> (PreparedSide, PreparedSide) {
        let mapA = Dictionary(a.platforms.map { ($0.platform.description, $0) }, uniquingKeysWith: { x, _ in x })
        let mapB = Dictionary(b.platforms.map { ($0.platform.description, $0) }, uniquingKeysWith: { x, _ in x })
        var walkJobs: [LayerIndexer.Job] = []
        var hashJobs: [LayerIndexer.Job] = []
        var exchanges: [String: PairExchange] = [:]
        // Each side's walked platforms (by its own platform name, which differs from the pair's key
        // when two single-platform images of different platforms are paired) and their exchange.
        var walkedA: [String: PairExchange] = [:], walkedB: [String: PairExchange] = [:]
        var walkedPairs: [(key: String, nameA: String?, nameB: String?, a: ResolvedImage?, b: ResolvedImage?)] = []
        for pair in platformPairs(Array(mapA.keys), Array(mapB.keys)) {
            let ia = pair.a.flatMap { mapA[$0]?.image }
            let ib = pair.b.flatMap { mapB[$0]?.image }
            if let ia, let ib, ia.manifestDigest == ib.manifestDigest {
                hashJobs += ia.layers.map { .init(layer: $0, source: a.source) }
                hashJobs += ib.layers.map { .init(layer: $0, source: b.source) }
                continue
            }
            walkedPairs.append((pair.key, pair.a, pair.b, ia, ib))
        }
        // How many times each layer is walked for, over every platform of both images: a layer
        // used once, with no cache to keep its index, may hold twins (see `PairExchange`).
        var uses: [Digest: Int] = [:]
        for pair in walkedPairs {
            for layer in (pair.a?.layers ?? []) + (pair.b?.layers ?? []) { uses[layer.digest, default: 0] += 1 }
        }
        for (key, nameA, nameB, ia, ib) in walkedPairs {
            // The layers at one position stream side by side and swap the contents of the files
            // that differ, so the second pass has little or nothing left to read. Layers both
            // images share are walked once and need no exchange.
            let shared = Set(ia?.layers.map(\.digest) ?? []).intersection(ib?.layers.map(\.digest) ?? [])
            var twinPositions: Set<Int> = []
            if options.cacheDirectory == nil, let ia, let ib {
                for (i, (la, lb)) in zip(ia.layers, ib.layers).enumerated()
                where la.digest != lb.digest && uses[la.digest] == 1 && uses[lb.digest] == 1 && !shared.contains(la.digest) && !shared.contains(lb.digest) {
                    twinPositions.insert(i)
                }
            }
            let exchange = PairExchange(fileLimit: Int64(options.maxDiffBytes), twinPositions: twinPositions)
            exchanges[key] = exchange
            if let nameA { walkedA[nameA] = exchange }
            if let nameB { walkedB[nameB] = exchange }
            var pairs: [(size: Int64, jobs: [LayerIndexer.Job])] = []
            for i in 0..<max(ia?.layers.count ?? 0, ib?.layers.count ?? 0) {
                var jobs: [LayerIndexer.Job] = []
                for (side, image, source) in [(0, ia, a.source), (1, ib, b.source)] {
                    guard let image, i < image.layers.count else { continue }
                    let layer = image.layers[i]
                    let pairing = shared.contains(layer.digest) ? nil : Pairing(exchange: exchange, side: side, position: i)
                    jobs.append(.init(layer: layer, source: source, pairing: pairing))
                }
                pairs.append((jobs.map(\.layer.size).max() ?? 0, jobs))
            }
            // Longest pairs first balances the cores.
            walkJobs += pairs.sorted { $0.size > $1.size }.flatMap(\.jobs)
        }
        var cache: LayerCache?
        if let dir = options.cacheDirectory {
            cache = try? LayerCache(directory: dir, settings: captureSettings)
        }
        let indexer = LayerIndexer(walker: walker, cache: cache, concurrency: options.concurrency, progress: options.progress)
        var indexes: [Digest: LayerIndex]
        do {
            indexes = try await indexer.index(walkJobs)
            for exchange in exchanges.values { exchange.finishWalks() }
            Trace.mark("walked \(walkJobs.count) layers; " + exchanges.values.map(\.claimCounts.description).joined(separator: "; "))
            try await verifyBlobs(hashJobs, concurrency: options.concurrency)
        } catch let error as InputError {
            throw error
        } catch {
            throw .corruptArchive(path: a.source, reason: "\(error)")
        }
        let walkedIndexes = indexes
        @Sendable func side(_ loaded: LoadedImage, walked: [String: PairExchange]) -> PreparedSide {
            var platforms: [String: PreparedImage?] = [:]
            for p in loaded.platforms {
                let key = p.platform.description
                guard let image = p.image else {
                    platforms[key] = .some(nil)
                    continue
                }
                var prepared = PreparedImage.from(image, indexes: walked[key] != nil ? walkedIndexes : nil)
                prepared.exchange = walked[key]
                platforms[key] = prepared
            }
            return PreparedSide(summary: .from(loaded), platforms: platforms)
        }
        // Merging the layers and reading the package databases of the two sides is independent work.
        let (exchangesA, exchangesB) = (walkedA, walkedB)
        async let sideA = side(a, walked: exchangesA)
        async let sideB = side(b, walked: exchangesB)
        var sides = await (sideA, sideB)
        Trace.mark("merged filesystems and read package databases")
        // Twins that meet anything but their partner are read back and hashed, and the views of
        // that platform made again with the real digests.
        for (key, nameA, nameB, _, _) in walkedPairs {
            guard let exchange = exchanges[key], !exchange.twinPositions.isEmpty, let nameA, let nameB,
                  let pa = sides.0.platforms[nameA] ?? nil, let pb = sides.1.platforms[nameB] ?? nil,
                  let fa = pa.filesystem, let fb = pb.filesystem, let ia = pa.resolved, let ib = pb.resolved else { continue }
            let needed = fa.entries.twinsBesideOthers(in: fb.entries)
            Trace.mark("\(needed.count) twins beside another file in platform \(key)")
            guard !needed.isEmpty else { continue }
            let found = try TwinResolver.resolve(needed, a: ia, b: ib, indexes: indexes, positions: exchange.twinPositions, limit: exchange.fileLimit)
            TwinResolver.apply(found, to: &indexes, layers: ia.layers, positions: exchange.twinPositions)
            TwinResolver.apply(found, to: &indexes, layers: ib.layers, positions: exchange.twinPositions)
            var ra = PreparedImage.from(ia, indexes: indexes), rb = PreparedImage.from(ib, indexes: indexes)
            ra.exchange = exchange
            rb.exchange = exchange
            sides.0.platforms[nameA] = ra
            sides.1.platforms[nameB] = rb
            Trace.mark("read back \(found.count) of \(needed.count) twins for platform \(key)")
        }
        return sides
    }

    /// Which platform of A is compared with which of B. Equal platforms pair up; when each image
    /// has exactly one platform they pair whatever they are, so that a changed architecture shows
    /// as config drift (category platform) rather than two unrelated images.
    static func platformPairs(_ a: [String], _ b: [String]) -> [(key: String, a: String?, b: String?)] {
        if a.count == 1, b.count == 1, a[0] != b[0] {
            return [(key: "\(a[0]) → \(b[0])", a: a[0], b: b[0])]
        }
        return Set(a).union(b).sorted().map { ($0, a.contains($0) ? $0 : nil, b.contains($0) ? $0 : nil) }
    }

    /// Walks every present platform of one input (for records and snapshots).
    public static func prepare(_ loaded: LoadedImage, options: CompareOptions = CompareOptions()) async throws(InputError) -> PreparedSide {
        let jobs = loaded.present.flatMap { img in img.layers.map { LayerIndexer.Job(layer: $0, source: loaded.source) } }
            .sorted { $0.layer.size > $1.layer.size }
        var cache: LayerCache?
        if let dir = options.cacheDirectory { cache = try? LayerCache(directory: dir, settings: captureSettings) }
        let indexes: [Digest: LayerIndex]
        do {
            indexes = try await LayerIndexer(walker: walker, cache: cache, concurrency: options.concurrency, progress: options.progress).index(jobs)
        } catch let error as InputError {
            throw error
        } catch {
            throw .corruptArchive(path: loaded.source, reason: "\(error)")
        }
        var platforms: [String: PreparedImage?] = [:]
        for p in loaded.platforms {
            platforms[p.platform.description] = p.image.map { PreparedImage.from($0, indexes: indexes) }
        }
        return PreparedSide(summary: .from(loaded), platforms: platforms)
    }

    static func verifyBlobs(_ jobs: [LayerIndexer.Job], concurrency: Int) async throws {
        var seen: Set<BlobLocation> = []
        let unique = jobs.filter { seen.insert($0.layer.location).inserted }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < unique.count && next < concurrency {
                let job = unique[next]
                next += 1
                group.addTask { try BlobVerifier.verify(job.layer, source: job.source) }
            }
            while try await group.next() != nil {
                if next < unique.count {
                    let job = unique[next]
                    next += 1
                    group.addTask { try BlobVerifier.verify(job.layer, source: job.source) }
                }
            }
        }
    }

    /// Compares two prepared sides (images or snapshots).
    public static func compare(_ a: PreparedSide, _ b: PreparedSide, options: CompareOptions) async -> Comparison {
        var results: [PlatformComparison] = []
        for pair in platformPairs(Array(a.platforms.keys), Array(b.platforms.keys)) {
            let key = pair.key
            let pa = pair.a.flatMap { a.platforms[$0] } ?? nil
            let pb = pair.b.flatMap { b.platforms[$0] } ?? nil
            let inA = pair.a != nil
            let inB = pair.b != nil
            if !inA || !inB {
                results.append(missingPlatform(key, inA: inA))
                continue
            }
            guard let pa, let pb else {
                var r = missingPlatform(key, inA: pa != nil)
                r.reason = "platform \(key): the blobs of \(pa == nil ? "A" : "B") are not in the archive; it cannot be compared"
                results.append(r)
                continue
            }
            results.append(await PlatformComparer(a: pa, b: pb, key: key, options: options).run())
        }
        return assemble(a.summary, b.summary, results, options: options)
    }

    static func missingPlatform(_ key: String, inA: Bool) -> PlatformComparison {
        let rule = Rule.platformMissing
        return PlatformComparison(
            platform: key, verdict: .drift,
            reason: "platform \(key) exists only in image \(inA ? "A" : "B")",
            manifestDigestA: nil, manifestDigestB: nil,
            config: [ConfigDifference(field: "platform", a: inA ? key : nil, b: inA ? nil : key, category: "platform",
                                      classification: .drift, rule: rule.rawValue, explanation: rule.explanation, platform: key)],
            layers: [], differences: [],
            packages: PackageReport(changes: [], ecosystems: [], countA: 0, countB: 0, problems: []), findings: [])
    }

    static func assemble(_ a: ImageSummary, _ b: ImageSummary, _ platforms: [PlatformComparison], options: CompareOptions) -> Comparison {
        let verdict = platforms.map(\.verdict).max() ?? .byteEqual
        let reason: String
        if platforms.count == 1 {
            reason = platforms[0].reason
        } else {
            let counts = Verdict.allCases.compactMap { v -> String? in
                let n = platforms.filter { $0.verdict == v }.count
                return n == 0 ? nil : "\(n) \(v.rawValue)"
            }
            reason = "\(platforms.count) platforms compared: \(counts.joined(separator: ", "))"
        }
        // One platform (the usual case): share its array rather than copy tens of thousands of entries.
        let differences = platforms.count == 1 ? platforms[0].differences : platforms.flatMap(\.differences)
        let config = platforms.flatMap(\.config)
        var byCategory: [String: [String: Int]] = [:]
        for d in differences { byCategory[d.category, default: [:]][d.classification.rawValue, default: 0] += 1 }
        for c in config { byCategory["config:" + c.category, default: [:]][c.classification.rawValue, default: 0] += 1 }
        let changes = platforms.flatMap(\.packages.changes)
        let packages = PackageReport(
            changes: changes,
            ecosystems: Array(Set(platforms.flatMap(\.packages.ecosystems))).sorted(),
            countA: platforms.map(\.packages.countA).max() ?? 0,
            countB: platforms.map(\.packages.countB).max() ?? 0,
            problems: platforms.flatMap(\.packages.problems))
        let findings = platforms.flatMap(\.findings)
        let summary = Summary(
            byCategory: byCategory,
            noise: differences.count { $0.classification == .noise },
            drift: differences.count { $0.classification == .drift },
            configNoise: config.filter { $0.classification == .noise }.count,
            configDrift: config.filter { $0.classification == .drift }.count,
            packageChanges: changes.count, findings: findings.count,
            filesA: platforms.compactMap(\.pathsA).reduce(0, +),
            filesB: platforms.compactMap(\.pathsB).reduce(0, +))
        var used = Set(differences.map(\.rule)).union(config.map(\.rule))
        if platforms.contains(where: { $0.layers.contains { $0.relation == .compressionOnly } }) { used.insert(Rule.compression.rawValue) }
        let rules = Rule.allCases.filter { used.contains($0.rawValue) }.map(\.describe)
        return Comparison(
            toolVersion: driftscopeVersion, verdict: verdict, reason: reason, a: a, b: b, config: config,
            layers: platforms.flatMap(\.layers), differences: differences, packages: packages, findings: findings,
            summary: summary, platforms: platforms, rules: rules, policy: options.policy.source)
    }
}

/// Holds a value until `release`, so that its deallocation happens where `release` runs.
private final class Box<Value: Sendable>: @unchecked Sendable {
    // Written once in init and once in release, which only one task calls.
    private var value: Value?
    init(_ value: Value) { self.value = value }
    func release() { value = nil }
}
