import DriftscopeArchive
import Foundation

/// A path of the final image and the layer that last wrote it.
public struct MergedEntry: Sendable, Codable, Hashable {
    /// The entry as its layer recorded it (hardlinks carry their target's digest).
    public var record: FileRecord
    /// The index of the layer that last wrote the path.
    public var layer: Int

    public init(record: FileRecord, layer: Int) {
        self.record = record
        self.layer = layer
    }
}

/// The filesystem an image unpacks to: its layers applied in order, with whiteouts (OCI image-spec
/// layer.md, "Whiteouts"): in each layer opaque whiteouts first, then file whiteouts, then entries;
/// a whiteout hides lower layers only. Two encodings of one deletion give the same view.
public struct MergedFilesystem: Sendable {
    /// Every path of the final image.
    public private(set) var entries: MergedEntries
    /// Findings raised by applying the layers (missing hardlink targets, writes through symlinks).
    public private(set) var findings: [Finding] = []
    /// Captured contents of paths whose final version was captured by its layer.
    public private(set) var captured: [String: Data] = [:]

    /// Applies `layers` in order.
    public init(layers: [LayerIndex]) {
        entries = MergedEntries(layers: layers.map(\.entries))
        entries.reserve(layers.reduce(0) { $0 + $1.entries.count })
        for (i, layer) in layers.enumerated() { apply(layer, index: i) }
        for (i, layer) in layers.enumerated() {
            for (path, data) in layer.captured {
                if let slot = entries.slots[path], Int(slot.layer) == i, entries.type(at: slot) == .file { captured[path] = data }
            }
        }
    }

    /// Builds a view from entries already merged (a snapshot).
    public init(entries: [String: MergedEntry], captured: [String: Data] = [:]) {
        self.entries = MergedEntries(layers: [])
        self.entries.reserve(entries.count)
        for (path, entry) in entries { self.entries.setOverride(path, entry) }
        self.captured = captured
    }

    /// The paths, sorted.
    public var paths: [String] { entries.keys.sorted() }

    private mutating func apply(_ layer: LayerIndex, index: Int) {
        // Whiteouts hide what the lower layers wrote, before this layer's entries are applied.
        if !layer.whiteouts.isEmpty {
            let hidden = WhiteoutMatcher(layer.whiteouts)
            entries.remove(entries.paths { path, _ in hidden.hides(path) })
        }
        // Directories of lower layers that this layer replaces with a non-directory: their lower
        // content goes (and that of this layer written before the replacement).
        var replaced: [String: Int] = [:]
        // Entries come grouped by folder: the write-through answer of one folder serves the next
        // entries in it, until a lower-layer symlink is overwritten (the only change that alters it).
        var checkedFolder: Substring?
        var folderLink: String?
        for position in layer.entries.indices {
            let path = layer.entries[position].path
            let type = layer.entries[position].type
            let existing = entries.slots[path]
            if entries.hasSymlinks {
                let folder = path[..<(path.utf8.lastIndex(of: UInt8(ascii: "/")) ?? path.startIndex)]
                if folder != checkedFolder {
                    checkedFolder = folder
                    folderLink = ImagePath.firstAncestor(of: path, where: { ancestor in
                        guard let slot = self.entries.slots[ancestor] else { return false }
                        return Int(slot.layer) < index && self.entries.type(at: slot) == .symlink
                    })
                }
                // An entry below a path that a lower layer made a symlink is written through that link.
                if let link = folderLink {
                    let linkLayer = entries[link]?.layer ?? index
                    findings.append(Finding(kind: .writeThroughSymlink, path: path, layer: index,
                                            message: "entry goes through the symlink \(link) of layer \(linkLayer)"))
                }
                if let existing, Int(existing.layer) < index, entries.type(at: existing) == .symlink { checkedFolder = nil }
            }
            if let existing, type != .directory, entries.type(at: existing) == .directory {
                replaced[path] = position
            }
            guard type == .hardlink else {
                entries.set(path, layer: index, position: position)
                continue
            }
            let record = layer.entries[position]
            if record.type == .hardlink, let target = record.linkTarget, target.hasPrefix("/") {
                var resolvedRecord = record
                if let slot = entries.slots[target], case let resolved = entries.record(at: slot),
                   resolved.type == .file || resolved.type == .hardlink {
                    if resolvedRecord.digest == nil {
                        resolvedRecord.digest = resolved.digest
                        resolvedRecord.twin = resolved.twin
                    }
                    resolvedRecord.size = resolved.size
                } else if record.digest == nil {
                    findings.append(Finding(kind: .missingHardlinkTarget, path: record.path, layer: index,
                                            message: "hardlink to \(target), which does not exist"))
                }
                if resolvedRecord != record {
                    entries.setOverride(record.path, MergedEntry(record: resolvedRecord, layer: index))
                    continue
                }
            }
            entries.set(record.path, layer: index, position: position)
        }
        if !replaced.isEmpty {
            let view = entries
            entries.remove(view.paths { path, slot in
                guard let dir = ImagePath.firstAncestor(of: path, where: { replaced[$0] != nil }), let position = replaced[dir] else { return false }
                let entry = view.entry(at: slot)
                return entry.layer < index || (entry.layer == index && entry.record.order < layer.entries[position].order)
            })
        }
        if layer.entries.contains(where: { $0.type == .symlink }) { entries.hasSymlinks = true }
    }
}

/// The lower-layer paths that one layer's whiteouts hide: a deleted path and everything below it,
/// everything below an opaque folder (an opaque root hides all but the root itself). Every path
/// of the merged view is tested, so the test allocates nothing: ancestors are slices of the path,
/// and only those as long as some whiteout path are looked up.
struct WhiteoutMatcher {
    private let opaque: Set<Substring>
    private let deleted: Set<Substring>
    private let opaqueRoot: Bool
    /// `lengths[n]`: some whiteout path is `n` UTF-8 bytes long.
    private let lengths: [Bool]

    init(_ whiteouts: [Whiteout]) {
        opaque = Set(whiteouts.filter(\.opaque).map { $0.path[...] })
        deleted = Set(whiteouts.filter { !$0.opaque }.map { $0.path[...] })
        opaqueRoot = opaque.contains("/")
        var lengths = [Bool](repeating: false, count: (whiteouts.map(\.path.utf8.count).max() ?? 0) + 1)
        for w in whiteouts { lengths[w.path.utf8.count] = true }
        self.lengths = lengths
    }

    /// Whether the whiteouts hide `path`.
    func hides(_ path: String) -> Bool {
        if opaqueRoot && path != "/" { return true }
        let utf8 = path.utf8
        if utf8.count < lengths.count && lengths[utf8.count] && deleted.contains(path[...]) { return true }
        // Proper ancestors, the root excluded (only an opaque root hides it all, handled above).
        var index = utf8.startIndex
        var length = 0
        while index < utf8.endIndex && length < lengths.count {
            if length > 0 && utf8[index] == UInt8(ascii: "/") && lengths[length] {
                let ancestor = path[..<index]
                if opaque.contains(ancestor) || deleted.contains(ancestor) { return true }
            }
            index = utf8.index(after: index)
            length += 1
        }
        return false
    }
}

/// The paths of a merged filesystem, each mapped to its entry. Entries are not copied out of the
/// layers: the view keeps the layers' record arrays (shared, copy-on-write) and, per path, where
/// its final record sits, so a 50,000-file image costs a dictionary of small slots, not a second
/// copy of every record.
public struct MergedEntries: Sendable, Sequence, Equatable {
    /// Where a path's record is: a layer and a position in its entries, or an override.
    public struct Slot: Sendable, Hashable {
        var layer: UInt32
        var position: UInt32
        static let overrideLayer = UInt32.max
    }

    private var layers: [[FileRecord]]
    /// Entries that are not a layer's record as stored: hardlinks with their target resolved,
    /// and every entry of a view restored from a snapshot.
    private var overrides: [MergedEntry] = []
    private(set) var slots: [String: Slot] = [:]
    /// Whether any layer applied so far wrote a symlink (the write-through check needs none otherwise).
    var hasSymlinks = false

    init(layers: [[FileRecord]]) {
        self.layers = layers
    }

    mutating func reserve(_ count: Int) { slots.reserveCapacity(count) }

    func record(at slot: Slot) -> FileRecord {
        slot.layer == Slot.overrideLayer ? overrides[Int(slot.position)].record : layers[Int(slot.layer)][Int(slot.position)]
    }

    func type(at slot: Slot) -> EntryType {
        slot.layer == Slot.overrideLayer ? overrides[Int(slot.position)].record.type : layers[Int(slot.layer)][Int(slot.position)].type
    }

    /// What a comparison weighs of an entry's content, read in place (no record is copied).
    private func content(at slot: Slot) -> (type: EntryType, twin: Bool, digest: Digest?) {
        if slot.layer == Slot.overrideLayer {
            let r = overrides[Int(slot.position)].record
            return (r.type, r.twin, r.digest)
        }
        let layer = Int(slot.layer), position = Int(slot.position)
        return (layers[layer][position].type, layers[layer][position].twin, layers[layer][position].digest)
    }

    /// The stand-in digests of twins (`FileRecord.twin`) that meet anything but their partner at a
    /// path both views give content (a file or a hardlink). A path only one view has is compared
    /// by nothing.
    public func twinsBesideOthers(in other: MergedEntries) -> Set<Digest> {
        var out: Set<Digest> = []
        for (path, slot) in slots {
            guard let otherSlot = other.slots[path] else { continue }
            let a = content(at: slot), b = other.content(at: otherSlot)
            guard a.twin || b.twin, a.type == .file || a.type == .hardlink, b.type == .file || b.type == .hardlink else { continue }
            if a.twin && b.twin && a.digest == b.digest { continue }
            if a.twin, let d = a.digest { out.insert(d) }
            if b.twin, let d = b.digest { out.insert(d) }
        }
        return out
    }

    /// The paths whose entry has the given type (reads only the type of each entry).
    public func paths(ofType type: EntryType) -> [String] {
        slots.compactMap { self.type(at: $0.value) == type ? $0.key : nil }
    }

    func entry(at slot: Slot) -> MergedEntry {
        slot.layer == Slot.overrideLayer ? overrides[Int(slot.position)]
            : MergedEntry(record: layers[Int(slot.layer)][Int(slot.position)], layer: Int(slot.layer))
    }

    mutating func set(_ path: String, layer: Int, position: Int) {
        slots[path] = Slot(layer: UInt32(layer), position: UInt32(position))
    }

    mutating func setOverride(_ path: String, _ entry: MergedEntry) {
        overrides.append(entry)
        slots[path] = Slot(layer: Slot.overrideLayer, position: UInt32(overrides.count - 1))
    }

    /// The paths for which `test` is true.
    func paths(where test: (String, Slot) -> Bool) -> [String] {
        slots.compactMap { test($0.key, $0.value) ? $0.key : nil }
    }

    /// Removes paths (overrides stay allocated; they are few).
    mutating func remove(_ paths: [String]) {
        for path in paths { slots.removeValue(forKey: path) }
    }

    /// The entry at a path.
    public subscript(path: String) -> MergedEntry? {
        slots[path].map(entry(at:))
    }

    /// Whether the view has a path.
    public func contains(_ path: String) -> Bool { slots[path] != nil }

    /// How many paths.
    public var count: Int { slots.count }

    /// Whether the view is empty.
    public var isEmpty: Bool { slots.isEmpty }

    /// The paths, unordered.
    public var keys: Dictionary<String, Slot>.Keys { slots.keys }

    /// An empty view.
    public static var empty: MergedEntries { MergedEntries(layers: []) }

    /// The view as a plain dictionary (copies every entry: for tests and small views).
    public var dictionary: [String: MergedEntry] {
        Dictionary(uniqueKeysWithValues: slots.map { ($0.key, entry(at: $0.value)) })
    }

    public struct Iterator: IteratorProtocol {
        fileprivate var base: Dictionary<String, Slot>.Iterator
        fileprivate let owner: MergedEntries
        public mutating func next() -> (key: String, value: MergedEntry)? {
            guard let (path, slot) = base.next() else { return nil }
            return (path, owner.entry(at: slot))
        }
    }

    public func makeIterator() -> Iterator { Iterator(base: slots.makeIterator(), owner: self) }

    public var underestimatedCount: Int { slots.count }

    /// Dictionary-like transformation of the values.
    public func mapValues<T>(_ transform: (MergedEntry) throws -> T) rethrows -> [String: T] {
        var out: [String: T] = [:]
        out.reserveCapacity(slots.count)
        for (path, slot) in slots { out[path] = try transform(entry(at: slot)) }
        return out
    }

    /// The same paths with the same entries.
    public static func == (a: MergedEntries, b: MergedEntries) -> Bool {
        guard a.count == b.count else { return false }
        for (path, slot) in a.slots {
            guard let other = b.slots[path], a.entry(at: slot) == b.entry(at: other) else { return false }
        }
        return true
    }
}
