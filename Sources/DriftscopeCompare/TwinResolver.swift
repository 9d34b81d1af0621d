import DriftscopeArchive
import DriftscopeImage
import Foundation

/// Gives real digests to the twins that a comparison must weigh against anything but their partner.
///
/// A twin (`FileRecord.twin`) was proven byte-equal to the file at its path in the other image's
/// layer at the same position, and never hashed: its stand-in digest equals its partner's and
/// nothing else's. That answers every question the comparison asks of a path where both merged
/// views show the partners. Where one view shows a twin and the other anything else (a later layer
/// of one image rewrote the path, a hardlink names another file), the twin's bytes are read back
/// from its layer, whose blob is verified again on the way, and hashed: the one digest serves both
/// partners, whose bytes are the same.
enum TwinResolver {
    /// Reads back and hashes the files behind `needed` from image A's layers at the twin
    /// `positions` (each layer once, its blob verified), and returns stand-in → real digests.
    /// A stand-in names the first file stored at its path in the layer (the one paired), which
    /// the read back returns; a hardlink carrying one names it by its target.
    static func resolve(_ needed: Set<Digest>, a: ResolvedImage, b: ResolvedImage, indexes: [Digest: LayerIndex],
                        positions: Set<Int>, limit: Int64) throws(InputError) -> [Digest: PairExchange.Settled] {
        var found: [Digest: PairExchange.Settled] = [:]
        for position in positions.sorted() where position < a.layers.count && position < b.layers.count {
            var want: [String: Digest] = [:]
            for layer in [a.layers[position], b.layers[position]] {
                for record in indexes[layer.digest]?.entries ?? [] where record.twin {
                    guard let stand = record.digest, needed.contains(stand) else { continue }
                    if let path = record.type == .file ? record.path : record.linkTarget { want[path] = stand }
                }
            }
            guard !want.isEmpty else { continue }
            let files = try LayerWalker.extract(a.layers[position], paths: Set(want.keys), limit: limit, source: a.source, verify: true)
            for (path, stand) in want {
                guard let data = files[path] else { continue }
                found[stand] = PairExchange.Settled(digest: SHA256Hasher.hash(data),
                                                    body: path.hasSuffix(".pyc") ? PairExchange.pycBody(data) : nil)
            }
        }
        let missing = needed.subtracting(found.keys)
        guard missing.isEmpty else {
            throw .corruptArchive(path: a.source, reason: "\(missing.count) file\(missing.count == 1 ? "" : "s") proven equal while the layers streamed could not be found when they were read again")
        }
        return found
    }

    /// Replaces resolved stand-ins in the layer indexes at the twin positions of both images.
    static func apply(_ found: [Digest: PairExchange.Settled], to indexes: inout [Digest: LayerIndex],
                      layers: [LayerRef], positions: Set<Int>) {
        for position in positions where position < layers.count {
            let digest = layers[position].digest
            guard let entries = indexes[digest]?.entries, entries.contains(where: { $0.twin && $0.digest.map { found[$0] != nil } == true }) else { continue }
            for i in entries.indices where entries[i].twin {
                guard let stand = entries[i].digest, let real = found[stand] else { continue }
                indexes[digest]!.entries[i].digest = real.digest
                indexes[digest]!.entries[i].twin = false
                if entries[i].type == .file && entries[i].path.hasSuffix(".pyc") { indexes[digest]!.entries[i].pycBodyDigest = real.body }
            }
        }
    }
}
