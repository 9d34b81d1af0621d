import DriftscopeArchive
import DriftscopeImage
import DriftscopePackages
import Foundation

/// What the indexer reports as it goes (for a progress line on a terminal).
public struct ProgressEvent: Sendable {
    /// Layers finished so far and in all.
    public var layersDone: Int
    public var layersTotal: Int
    /// Compressed bytes read so far and in all.
    public var bytesDone: Int64
    public var bytesTotal: Int64
}

/// Indexes the distinct layers of both images, each once, concurrently (bounded by the cores),
/// through the cache when one is given.
struct LayerIndexer {
    var walker: LayerWalker
    var cache: LayerCache?
    var concurrency: Int
    var progress: (@Sendable (ProgressEvent) -> Void)?

    struct Job: Sendable {
        var layer: LayerRef
        var source: String
        var pairing: Pairing? = nil
    }

    func index(_ jobs: [Job]) async throws -> [Digest: LayerIndex] {
        // Same digest: index once, share the result. The caller's order is kept: it puts the two
        // layers of a pair next to each other so that they stream side by side.
        var seen: Set<Digest> = []
        let ordered = jobs.filter { seen.insert($0.layer.digest).inserted }
        let total = ordered.reduce(Int64(0)) { $0 + $1.layer.size }
        var results: [Digest: LayerIndex] = [:]
        var done = 0
        var bytes: Int64 = 0
        let walker = self.walker
        let cache = self.cache
        try await withThrowingTaskGroup(of: (Int, LayerIndex).self) { group in
            var next = 0
            func launch() {
                let number = next
                let job = ordered[number]
                next += 1
                group.addTask {
                    if let cached = cache?.load(job.layer) {
                        // The index is trusted for this digest; the blob itself is still checked
                        // against it (a hash of the stored bytes, no decompression).
                        try BlobVerifier.verify(job.layer, source: job.source)
                        return (number, cached)
                    }
                    let index = try walker.walk(job.layer, source: job.source, pairing: job.pairing)
                    Allocator.releaseFreeMemory()
                    cache?.store(index, for: job.layer)
                    return (number, index)
                }
            }
            // Walks at a twin position that ended before their partner: their last digests are
            // settled once the partner is done too.
            var awaiting: [Int] = []
            func settleAwaiting(force: Bool) {
                awaiting.removeAll { number in
                    let job = ordered[number]
                    guard let pairing = job.pairing else { return true }
                    if force && !pairing.exchange.walksEnded(position: pairing.position) {
                        // No partner walk ran (it cannot, at a twin position; this keeps the
                        // records whole anyway): the sweep hashes what was left for it.
                        pairing.exchange.endWalk(side: 1 - pairing.side, position: pairing.position)
                    }
                    guard pairing.exchange.walksEnded(position: pairing.position) else { return false }
                    results[job.layer.digest]?.settle(pairing.exchange.takeSettled(side: pairing.side, position: pairing.position))
                    return true
                }
            }
            while next < ordered.count && next < max(1, concurrency) { launch() }
            while let (number, index) = try await group.next() {
                results[ordered[number].layer.digest] = index
                if !index.awaiting.isEmpty { awaiting.append(number) }
                if !awaiting.isEmpty { settleAwaiting(force: false) }
                done += 1
                bytes += index.compressedSize
                progress?(ProgressEvent(layersDone: done, layersTotal: ordered.count, bytesDone: bytes, bytesTotal: total))
                if next < ordered.count { launch() }
            }
            settleAwaiting(force: true)
        }
        return results
    }
}

/// Checks a blob's stored bytes against its digest and size without decompressing.
public enum BlobVerifier {
    /// Hashes the blob and throws on a mismatch.
    public static func verify(_ layer: LayerRef, source: String) throws(InputError) {
        let actual: Digest
        // The location's length is the stored blob's (a short file fails while reading).
        let length = layer.location.length
        do {
            actual = try layer.location.sha256()
        } catch {
            throw .unreadable(path: source, reason: "layer \(layer.index): \(error)")
        }
        guard Int64(length) == layer.size else {
            throw .sizeMismatch(path: source, role: "layer \(layer.index)", digest: layer.digest, expected: layer.size, actual: Int64(length))
        }
        guard actual == layer.digest else {
            throw .digestMismatch(path: source, role: "layer \(layer.index)", expected: layer.digest, actual: actual)
        }
    }
}
