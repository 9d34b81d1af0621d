import DriftscopeArchive
import Foundation

/// Streams one layer once: the compressed bytes are hashed (the blob digest) as libarchive pulls
/// them, the decompressed stream is hashed (the diff_id) as the tar reader pulls it, and every
/// entry's content is hashed as it passes. Nothing is extracted; memory holds one block at a time,
/// the index, and the few small files `capture` asks for.
public struct LayerWalker: Sendable {
    /// Which files' content to keep (absolute path, size): package databases, in practice.
    public var capture: @Sendable (String, Int64) -> Bool
    /// The most bytes kept for one captured file.
    public var captureLimit: Int64

    public init(capture: @escaping @Sendable (String, Int64) -> Bool = { _, _ in false }, captureLimit: Int64 = 64 << 20) {
        self.capture = capture
        self.captureLimit = captureLimit
    }

    /// Walks and verifies `layer` of the image read from `source` (for messages); with a pairing,
    /// offers every file to the exchange shared with the walk of the other image's layer.
    public func walk(_ layer: LayerRef, source: String, pairing: Pairing? = nil) throws(InputError) -> LayerIndex {
        do {
            do {
                return try walkUnchecked(layer, source: source, pairing: pairing)
            } catch {
                // The other walk must not wait for files this one can no longer settle.
                pairing.map { $0.exchange.abandon(side: $0.side, position: $0.position) }
                throw error
            }
        } catch let error as InputError {
            throw error
        } catch let error as ArchiveError {
            // A blob altered in place usually breaks decompression before its digest can be
            // checked: say what it is, a digest mismatch, when the stored bytes prove it.
            if case .corrupt = error, let actual = try? layer.location.sha256(), actual != layer.digest {
                if layer.digestBorrowed == true {
                    throw .diffIDMismatch(path: source, layer: layer.index, expected: layer.diffID, actual: actual)
                }
                throw .digestMismatch(path: source, role: "layer \(layer.index)", expected: layer.digest, actual: actual)
            }
            switch error {
            case .io(_, let message): throw .unreadable(path: source, reason: "layer \(layer.index) (\(layer.digest.short)): \(message)")
            default: throw .corruptArchive(path: source, reason: "layer \(layer.index) (\(layer.digest.short)): \(Self.plain(error))")
            }
        } catch {
            throw .corruptArchive(path: source, reason: "layer \(layer.index) (\(layer.digest.short)): \(error)")
        }
    }

    static func plain(_ error: ArchiveError) -> String {
        if case .corrupt(_, let message) = error { return message }
        return "\(error)"
    }

    private func walkUnchecked(_ layer: LayerRef, source: String, pairing: Pairing?) throws -> LayerIndex {
        let what = "layer \(layer.index) of \(source)"
        let file = try FileRangeSource(path: layer.location.file, offset: layer.location.offset,
                                       length: layer.location.length, hash: true)
        let outer = try ArchiveReader(mode: .raw, source: file, what: what)
        var findings: [Finding] = []
        let detected: Compression
        switch outer.filterName {
        case "none": detected = .none
        case "gzip": detected = .gzip
        case "zstd": detected = .zstd
        default: detected = .other
        }
        if detected == .other {
            throw InputError.unsupportedCompression(path: source, layer: layer.index, detail: "compressed with \(outer.filterName); OCI layers are tar, tar+gzip or tar+zstd")
        }
        if detected != layer.declaredCompression {
            findings.append(Finding(kind: .compressionMismatch, path: "/", layer: layer.index,
                                    message: "media type \(layer.mediaType) declares \(layer.declaredCompression.rawValue) but the bytes are \(detected.rawValue)"))
        }
        var state = WalkState(layer: layer.index, capture: capture, captureLimit: captureLimit)
        state.pairing = pairing
        var uncompressedSize: Int64 = 0
        var diffID = SHA256Hasher.hash(Data())
        if try outer.nextHeader() != nil {
            let decompressed = DecompressedSource(reader: outer)
            let tar = try ArchiveReader(mode: .tar, source: decompressed, what: what)
            while let header = try tar.nextHeader() {
                try state.take(header, reader: tar)
            }
            if let pairing, pairing.twins {
                // Unhashed bytes the other walk never reached: hashed here if this walk is the last.
                pairing.exchange.endWalk(side: pairing.side, position: pairing.position)
                state.collectSettled(wait: false)
            } else {
                state.collectSettled(wait: true)
            }
            Trace.mark("layer \(layer.index) of \(source): \(state.unhashedBytes >> 20) of \(state.fileBytes >> 20) MiB of file bytes took the other walk's digest")
            // The diff_id covers the whole decompressed stream, including what follows the end
            // marker (an eStargz footer).
            try decompressed.drain()
            uncompressedSize = Int64(decompressed.bytesRead)
            diffID = decompressed.hasher.finalize()
        }
        try file.drain()
        let digest = file.hasher!.finalize()
        guard Int64(file.bytesRead) == layer.size else {
            throw InputError.sizeMismatch(path: source, role: "layer \(layer.index)", digest: layer.digest, expected: layer.size, actual: Int64(file.bytesRead))
        }
        // A legacy docker-archive layer has no digest of its own: it borrows its diff_id, so a
        // mismatch there is a diff_id mismatch.
        guard digest == layer.digest || layer.digestBorrowed == true else {
            throw InputError.digestMismatch(path: source, role: "layer \(layer.index)", expected: layer.digest, actual: digest)
        }
        guard diffID == layer.diffID else {
            throw InputError.diffIDMismatch(path: source, layer: layer.index, expected: layer.diffID, actual: diffID)
        }
        return state.finish(layer: layer, detected: detected, uncompressedSize: uncompressedSize, findings: findings)
    }
}

/// The per-layer bookkeeping of a walk.
private struct WalkState {
    let layer: Int
    let capture: @Sendable (String, Int64) -> Bool
    let captureLimit: Int64
    var entries: [FileRecord] = []
    var whiteouts: [Whiteout] = []
    var findings: [Finding] = []
    var captured: [String: Data] = [:]
    var symlinks: Set<String> = []
    /// Where each path's latest entry is in `entries` (hardlink targets, duplicates).
    var positions: [String: Int] = [:]
    /// Files whose digests the other walk settles: path → (entry, bytes held to hash them here if it
    /// cannot; nil at a twin position, where the last walk settles everything).
    var unsettled: [String: (Int, Data?)] = [:]
    /// Whether any file of this layer was left to the other walk (its hardlinks may lack a digest).
    var anyUnsettled = false
    /// File bytes whose digest came from the other walk's equal copy, and all file bytes (for the trace).
    var unhashedBytes: Int64 = 0
    var fileBytes: Int64 = 0
    var superseded: Set<Int> = []
    var duplicates: Set<String> = []
    var count = 0
    var absoluteNames = 0
    var firstAbsolute: String?
    let zeros = [UInt8](repeating: 0, count: 64 * 1024)
    var pairing: Pairing?
    /// Reused for every file (an EVP context each, reset between files).
    let hasher = SHA256Hasher()
    let bodyHasher = SHA256Hasher()

    init(layer: Int, capture: @escaping @Sendable (String, Int64) -> Bool, captureLimit: Int64) {
        self.layer = layer
        self.capture = capture
        self.captureLimit = captureLimit
    }

    mutating func take(_ header: ArchiveEntryHeader, reader: ArchiveReader) throws {
        count += 1
        let raw = header.name
        if raw.hasPrefix("/") {
            absoluteNames += 1
            if firstAbsolute == nil { firstAbsolute = raw }
        }
        guard let path = ImagePath.normalize(raw) else {
            findings.append(Finding(kind: .unsafePath, path: raw, layer: layer,
                                    message: "entry name escapes the image root; not applied"))
            try reader.skipData()
            return
        }
        // Writing through a symlink made earlier in this layer is the classic tar-extraction attack.
        if !symlinks.isEmpty, let link = ImagePath.firstAncestor(of: path, where: { symlinks.contains($0) }) {
            findings.append(Finding(kind: .writeThroughSymlink, path: path, layer: layer,
                                    message: "entry is written through the symlink \(link) of the same layer"))
        }
        let base = ImagePath.baseName(path)
        if base.hasPrefix(".wh.") {
            let dir = ImagePath.parent(path)
            if base == ".wh..wh..opq" {
                whiteouts.append(Whiteout(path: dir, opaque: true, rawName: raw))
            } else if !base.hasPrefix(".wh..wh.") {
                whiteouts.append(Whiteout(path: ImagePath.join(dir, String(base.dropFirst(4))), opaque: false, rawName: raw))
            }
            try reader.skipData()
            return
        }
        var record = FileRecord(
            path: path, rawName: raw, type: header.type, mode: header.permissions, uid: header.uid, gid: header.gid,
            uname: header.uname, gname: header.gname, size: header.type == .file ? header.size : 0,
            mtime: header.mtime, atime: header.atime, ctime: header.ctime, linkTarget: nil,
            xattrs: header.xattrs.mapValues { hexString($0) }, digest: nil,
            devMajor: header.rdevMajor, devMinor: header.rdevMinor, order: count - 1)
        switch header.type {
        case .file:
            try hashContent(of: &record, reader: reader)
            fileBytes += record.size
        case .symlink:
            let target = header.linkTarget ?? ""
            record.linkTarget = target
            symlinks.insert(path)
            if ImagePath.symlinkEscapes(from: path, target: target) {
                findings.append(Finding(kind: .unsafeSymlink, path: path, layer: layer,
                                        message: "symlink target '\(target)' climbs above the image root"))
            }
            try reader.skipData()
        case .hardlink:
            let target = ImagePath.normalize(header.linkTarget ?? "")
            if let target {
                record.linkTarget = target
                if let i = positions[target], entries[i].type == .file {
                    record.digest = entries[i].digest
                    record.twin = entries[i].twin
                }
            } else {
                record.linkTarget = header.linkTarget
                findings.append(Finding(kind: .unsafePath, path: path, layer: layer,
                                        message: "hardlink target '\(header.linkTarget ?? "")' escapes the image root"))
            }
            try reader.skipData()
        case .characterDevice, .blockDevice, .fifo, .socket:
            try reader.skipData()
        default:
            try reader.skipData()
        }
        // The same path twice in one layer: the last wins, and the earlier one is reported.
        if let earlier = positions[path] {
            superseded.insert(earlier)
            duplicates.insert(path)
        }
        positions[path] = entries.count
        entries.append(record)
        if !unsettled.isEmpty { collectSettled(wait: false) }
    }

    mutating func hashContent(of record: inout FileRecord, reader: ArchiveReader) throws {
        hasher.reset()
        let hasher = self.hasher
        let isPyc = record.path.hasSuffix(".pyc")
        if isPyc { bodyHasher.reset() }
        let body = isPyc ? bodyHasher : nil
        let keep = capture(record.path, record.size) && record.size <= captureLimit
        var kept = keep ? Data(capacity: Int(record.size)) : Data()
        // The pair exchange: collect the bytes for the other side, or compare with the bytes it
        // left, collecting only once they differ (most files are equal: no copy at all then).
        // A path stored twice in one layer goes the plain way: settlements are keyed by path.
        var claim: PairExchange.Claim = .none
        if let pairing, positions[record.path] == nil {
            claim = pairing.exchange.claim(side: pairing.side, position: pairing.position, path: record.path, size: record.size)
        }
        var collected: Data?
        if case .collect = claim { collected = Data(capacity: Int(record.size)) }
        // While the bytes equal the other side's, hashing waits: equal to the end, they have the
        // other side's digest (identical bytes, identical SHA-256); at the first difference the
        // equal prefix is hashed from the other side's copy and hashing goes on from there.
        // Collected bytes are hashed once the file is read, and only if the other side has no
        // equal copy (see `PairExchange.settle`). A `.pyc` also has a body digest (past its
        // 16-byte header), which goes the same way.
        var deferred = false
        switch claim {
        case .compare(_, let otherDigest, let otherBody): deferred = otherDigest == nil || !isPyc || otherBody != nil
        case .collect: deferred = true
        case .none: break
        }
        let collectedFromStart: Bool
        if case .collect = claim { collectedFromStart = true } else { collectedFromStart = false }
        var position: Int64 = 0
        let zeros = self.zeros
        func feed(_ chunk: UnsafeRawBufferPointer) {
            if case .compare(let other, _, _) = claim {
                let start = Int(position)
                let same = start + chunk.count <= other.count && other.withUnsafeBytes { o in
                    chunk.count == 0 || memcmp(o.baseAddress! + start, chunk.baseAddress!, chunk.count) == 0
                }
                if !same {
                    var own = Data(capacity: Int(record.size))
                    own.append(other.prefix(start))
                    collected = own
                    claim = .collect
                    if deferred {
                        own.withUnsafeBytes { hasher.update($0) }
                        if let body, own.count > 16 { body.update(own.dropFirst(16)) }
                        deferred = false
                    }
                }
            }
            if !deferred { hasher.update(chunk) }
            if let body, !deferred {
                // Hash all but the first 16 bytes (the PEP 552 header).
                let skip = max(0, min(Int64(chunk.count), 16 - position))
                if skip < chunk.count { body.update(UnsafeRawBufferPointer(rebasing: chunk[Int(skip)...])) }
            }
            if keep { kept.append(chunk.bindMemory(to: UInt8.self)) }
            if case .collect = claim { collected!.append(chunk.bindMemory(to: UInt8.self)) }
            position += Int64(chunk.count)
        }
        try reader.forEachBlock { block, offset in
            // Sparse holes read as zeros.
            while position < offset {
                let n = Int(min(Int64(zeros.count), offset - position))
                zeros.withUnsafeBytes { feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            feed(block)
        }
        while position < record.size {
            let n = Int(min(Int64(zeros.count), record.size - position))
            zeros.withUnsafeBytes { feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        var offered = false
        // The body digest, when it was not hashed along (a deferred `.pyc`).
        var bodyDigest: Digest?
        if case .compare(let other, let otherDigest, let otherBody) = claim {
            if Int(position) == other.count {
                // Byte for byte the other side's file: its digests, or (bytes it left unhashed)
                // twins, which need none.
                if !deferred {
                    record.digest = hasher.finalize()
                } else if let otherDigest {
                    record.digest = otherDigest
                    bodyDigest = otherBody
                } else if let pairing {
                    record.digest = pairing.exchange.twinned(side: pairing.side, position: pairing.position, path: record.path)
                    record.twin = true
                    offered = true
                }
                if deferred { unhashedBytes += position }
            } else {
                // Equal so far but shorter: a proper prefix of the other side's bytes.
                let own = Data(other.prefix(Int(position)))
                if deferred {
                    hasher.update(own)
                    if isPyc { bodyDigest = PairExchange.pycBody(own) }
                }
                collected = own
                record.digest = hasher.finalize()
            }
        } else if collectedFromStart, let pairing, let bytes = collected {
            // What the exchange says of bytes collected from the start: at a twin position they
            // may stay unhashed for good; elsewhere one of the two walks hashes them.
            enum Outcome { case twin(Digest), digest(Digest, body: Digest?), hash(offer: Bool), unsettled(keeping: Data?) }
            let outcome: Outcome
            if pairing.twins {
                switch pairing.exchange.arrive(side: pairing.side, position: pairing.position, path: record.path, data: bytes) {
                case .twin(let stand): outcome = .twin(stand)
                case .digest(let digest, let otherBody): outcome = .digest(digest, body: otherBody)
                // Differing bytes were kept beside the other walk's already: nothing to offer.
                case .differs: outcome = .hash(offer: false)
                case .hash: outcome = .hash(offer: true)
                // The other walk compares its bytes with these, or the last walk hashes them.
                case .held: outcome = .unsettled(keeping: nil)
                }
            } else {
                switch pairing.exchange.settle(side: pairing.side, position: pairing.position, path: record.path, data: bytes) {
                case .digest(let digest, let otherBody): outcome = .digest(digest, body: otherBody)
                case .hash: outcome = .hash(offer: true)
                // The other walk settles it; the record's digests are filled in before the index is returned.
                case .deferred: outcome = .unsettled(keeping: bytes)
                }
            }
            switch outcome {
            case .twin(let stand):
                record.digest = stand
                record.twin = true
                offered = true
                unhashedBytes += position
            case .digest(let digest, let otherBody):
                record.digest = digest
                if isPyc { bodyDigest = otherBody ?? PairExchange.pycBody(bytes) }
                offered = true
                unhashedBytes += position
            case .hash(let offer):
                hasher.update(bytes)
                record.digest = hasher.finalize()
                if isPyc { bodyDigest = PairExchange.pycBody(bytes) }
                offered = !offer
            case .unsettled(let keeping):
                record.digest = nil
                unhashedBytes += position
                unsettled[record.path] = (entries.count, keeping)
                anyUnsettled = true
                offered = true
            }
        } else {
            record.digest = hasher.finalize()
        }
        // `body` was fed along unless hashing stayed deferred to the end.
        record.pycBodyDigest = isPyc ? (deferred ? bodyDigest : body?.finalize()) : nil
        if keep { captured[record.path] = kept }
        if let pairing, !offered, let digest = record.digest {
            pairing.exchange.offer(side: pairing.side, position: pairing.position, path: record.path, digest: digest,
                                   body: record.pycBodyDigest, data: collected)
        }
    }

    /// Fills in the digests the other walk settled for files this one left to it; with `wait`,
    /// waits for the rest (hashing itself whatever the other walk could not settle).
    mutating func collectSettled(wait: Bool) {
        guard let pairing, anyUnsettled else { return }
        let found = wait
            ? pairing.exchange.awaitSettled(side: pairing.side, position: pairing.position, paths: Set(unsettled.keys))
            : pairing.exchange.takeSettled(side: pairing.side, position: pairing.position)
        for (path, settled) in found {
            guard let (index, bytes) = unsettled.removeValue(forKey: path) else { continue }
            entries[index].digest = settled.digest
            entries[index].twin = settled.twin
            if path.hasSuffix(".pyc"), !settled.twin { entries[index].pycBodyDigest = settled.body ?? bytes.map(PairExchange.pycBody) }
        }
        guard wait else { return }
        for (index, bytes) in unsettled.values {
            guard let bytes else { continue }
            entries[index].digest = SHA256Hasher.hash(bytes)
            if entries[index].path.hasSuffix(".pyc") { entries[index].pycBodyDigest = PairExchange.pycBody(bytes) }
        }
        unsettled.removeAll()
    }

    mutating func finish(layer ref: LayerRef, detected: Compression, uncompressedSize: Int64, findings initial: [Finding]) -> LayerIndex {
        if absoluteNames > 0 {
            findings.append(Finding(kind: .absolutePath, path: firstAbsolute ?? "/", layer: layer,
                                    message: "\(absoluteNames) entr\(absoluteNames == 1 ? "y is" : "ies are") stored with an absolute name; read as relative to the image root"))
        }
        // Duplicate paths within the layer: the last wins, and the earlier ones are reported.
        // The index outlives the walk: give it an array of its exact size (growth by doubling
        // leaves up to half of the capacity unused).
        var unique: [FileRecord] = []
        unique.reserveCapacity(entries.count - superseded.count)
        if superseded.isEmpty {
            unique.append(contentsOf: entries)
        } else {
            for (i, e) in entries.enumerated() where !superseded.contains(i) { unique.append(e) }
        }
        entries = []
        // Hardlinks in this layer to a file settled late took no digest from it.
        LayerIndex.linkHardlinks(&unique)
        // Files whose digests the other walk settles once it is done too (a twin position).
        var awaiting: [String: Int] = [:]
        if !unsettled.isEmpty {
            // Entry indexes shift down past each superseded duplicate.
            var shifted: [Int] = []
            if !superseded.isEmpty {
                shifted.reserveCapacity(count)
                var dropped = 0
                for i in 0..<(unique.count + superseded.count) {
                    shifted.append(i - dropped)
                    if superseded.contains(i) { dropped += 1 }
                }
            }
            for (path, (index, _)) in unsettled where !superseded.contains(index) {
                awaiting[path] = superseded.isEmpty ? index : shifted[index]
            }
        }
        for path in duplicates.sorted() {
            findings.append(Finding(kind: .duplicatePath, path: path, layer: layer,
                                    message: "the path occurs more than once in the layer; the last entry wins"))
        }
        var index = LayerIndex(digest: ref.digest, diffID: ref.diffID, mediaType: ref.mediaType, detectedCompression: detected,
                               compressedSize: ref.size, uncompressedSize: uncompressedSize, entries: unique,
                               whiteouts: whiteouts, findings: initial + findings, captured: captured, entryCount: count)
        index.awaiting = awaiting
        return index
    }
}

/// Image path rules: every path is absolute and normalised, and is only ever a string.
public enum ImagePath {
    /// Normalises a tar name to an absolute image path: leading `./` and `/` removed, `//` and `.`
    /// collapsed, `..` resolved lexically. Nil when the name climbs above the root.
    public static func normalize(_ name: String) -> String? {
        // Fast path, nearly every name a builder writes: no "." or ".." component, no "//", no
        // leading "/" or "./"; only a trailing "/" on directories.
        let bytes = name.utf8
        if let first = bytes.first, first != UInt8(ascii: "/"), first != UInt8(ascii: ".") {
            var previous: UInt8 = 0
            var clean = true
            for byte in bytes {
                if byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/") { clean = false; break }
                if byte == UInt8(ascii: ".") && previous == UInt8(ascii: "/") { clean = false; break }
                previous = byte
            }
            if clean {
                return previous == UInt8(ascii: "/") ? "/" + name.dropLast() : "/" + name
            }
        }
        var parts: [Substring] = []
        for component in name.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                if parts.isEmpty { return nil }
                parts.removeLast()
                continue
            }
            parts.append(component)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Joins a name onto a directory path.
    public static func join(_ dir: String, _ name: String) -> String {
        dir == "/" ? "/" + name : dir + "/" + name
    }

    /// The parent of a path (`/` for top-level paths and the root).
    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// The first proper ancestor of a path (excluding the root), nearest the root first, for which
    /// `test` holds. Allocates nothing for ancestors short enough to be small strings.
    public static func firstAncestor(of path: String, where test: (String) -> Bool) -> String? {
        let utf8 = path.utf8
        var index = utf8.index(after: utf8.startIndex)
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                let ancestor = String(path[..<index])
                if test(ancestor) { return ancestor }
            }
            index = utf8.index(after: index)
        }
        return nil
    }

    /// The last component of a path (the whole path when it has no slash).
    public static func baseName(_ path: String) -> Substring {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path[...] }
        return path[path.utf8.index(after: slash)...]
    }

    /// The proper ancestors of a path, nearest last, excluding the root.
    public static func ancestors(of path: String) -> [String] {
        var out: [String] = []
        var current = parent(path)
        while current != "/" {
            out.append(current)
            current = parent(current)
        }
        return out.reversed()
    }

    /// Whether a relative symlink target, resolved from the link's directory, climbs above the root.
    /// Absolute targets resolve inside the image root and do not escape.
    public static func symlinkEscapes(from path: String, target: String) -> Bool {
        if target.hasPrefix("/") { return false }
        var depth = ancestors(of: path).count
        for component in target.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                depth -= 1
                if depth < 0 { return true }
            } else {
                depth += 1
            }
        }
        return false
    }
}

extension LayerWalker {
    /// The second pass: reads only the named files of one layer (the last occurrence of each),
    /// skipping everything else, and stops as soon as the last one is read. Nothing is hashed but
    /// the extracted files, whose digests the caller checks against the verified first pass.
    /// Files larger than `limit` are left out. With `verify`, the stored blob is hashed as it is
    /// read and to its end, and checked against the layer's digest: for callers that have no
    /// digest of their own to check the files against.
    public static func extract(_ layer: LayerRef, paths: Set<String>, limit: Int64, source: String, verify: Bool = false) throws(InputError) -> [String: Data] {
        guard !paths.isEmpty else { return [:] }
        do {
            let file = try FileRangeSource(path: layer.location.file, offset: layer.location.offset,
                                           length: layer.location.length, hash: verify)
            let outer = try ArchiveReader(mode: .raw, source: file, what: "layer \(layer.index) of \(source)")
            var out: [String: Data] = [:]
            if try outer.nextHeader() != nil {
                let tar = try ArchiveReader(mode: .tar, source: DecompressedSource(reader: outer), what: "layer \(layer.index) of \(source)")
                var remaining = paths
                // Stop as soon as every wanted path was seen once. A path stored twice in one layer (the
                // last wins) may yield its earlier version here; the caller's digest check drops it.
                while let header = try tar.nextHeader() {
                    guard let path = ImagePath.normalize(header.name), paths.contains(path), header.type == .file else {
                        try tar.skipData()
                        continue
                    }
                    if header.size > limit {
                        out.removeValue(forKey: path)
                        try tar.skipData()
                    } else {
                        out[path] = try tar.readAll(limit: Int(limit))
                    }
                    remaining.remove(path)
                    if remaining.isEmpty { break }
                }
            }
            if verify {
                try file.drain()
                let digest = file.hasher!.finalize()
                guard Int64(file.bytesRead) == layer.size else {
                    throw InputError.sizeMismatch(path: source, role: "layer \(layer.index)", digest: layer.digest, expected: layer.size, actual: Int64(file.bytesRead))
                }
                guard digest == layer.digest else {
                    throw InputError.digestMismatch(path: source, role: "layer \(layer.index) (read again)", expected: layer.digest, actual: digest)
                }
            }
            return out
        } catch let error as InputError {
            throw error
        } catch let error as ArchiveError {
            throw .corruptArchive(path: source, reason: "layer \(layer.index): \(Self.plain(error))")
        } catch {
            throw .corruptArchive(path: source, reason: "layer \(layer.index): \(error)")
        }
    }
}
