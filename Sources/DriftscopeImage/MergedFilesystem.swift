import DriftscopeArchive
import Foundation

/// A path of the final image and the layer that last wrote it.
public struct MergedEntry: Sendable, Codable, Hashable {
    /// The entry as its layer recorded it (hardlinks carry their target's digest).
    public var record: FileRecord
    /// The index of the layer that last wrote the path.
    public var layer: Int
}

/// The filesystem an image unpacks to: its layers applied in order, with whiteouts (OCI image-spec
/// layer.md, "Whiteouts"): in each layer opaque whiteouts first, then file whiteouts, then entries;
/// a whiteout hides lower layers only. Two encodings of one deletion give the same view.
public struct MergedFilesystem: Sendable {
    /// Every path of the final image.
    public private(set) var entries: [String: MergedEntry] = [:]
    /// Findings raised by applying the layers (missing hardlink targets, writes through symlinks).
    public private(set) var findings: [Finding] = []
    /// Captured contents of paths whose final version was captured by its layer.
    public private(set) var captured: [String: Data] = [:]
    private var children: [String: Set<String>] = [:]

    /// Applies `layers` in order.
    public init(layers: [LayerIndex]) {
        let expected = layers.reduce(0) { $0 + $1.entries.count }
        entries.reserveCapacity(expected)
        children.reserveCapacity(expected / 8)
        for (i, layer) in layers.enumerated() { apply(layer, index: i) }
        for (path, entry) in entries where entry.record.type == .file {
            if let data = layers[entry.layer].captured[path] { captured[path] = data }
        }
    }

    /// Builds a view from entries already merged (a snapshot).
    public init(entries: [String: MergedEntry], captured: [String: Data] = [:]) {
        self.entries = entries
        self.captured = captured
    }

    /// The paths, sorted.
    public var paths: [String] { entries.keys.sorted() }

    private mutating func removeSubtree(_ path: String, keepSelf: Bool) {
        if let kids = children.removeValue(forKey: path) {
            for kid in kids { removeSubtree(kid, keepSelf: false) }
        }
        if !keepSelf {
            entries.removeValue(forKey: path)
            children[ImagePath.parent(path)]?.remove(path)
        }
    }

    private mutating func insert(_ entry: MergedEntry) {
        let path = entry.record.path
        if let existing = entries[path], existing.record.type == .directory, entry.record.type != .directory {
            removeSubtree(path, keepSelf: true)
        }
        entries[path] = entry
        guard path != "/" else { return }
        var child = path
        var parent = ImagePath.parent(path)
        while true {
            let (inserted, _) = children[parent, default: []].insert(child)
            if !inserted || parent == "/" { break }
            child = parent
            parent = ImagePath.parent(parent)
        }
    }

    private mutating func apply(_ layer: LayerIndex, index: Int) {
        for w in layer.whiteouts where w.opaque { removeSubtree(w.path, keepSelf: true) }
        for w in layer.whiteouts where !w.opaque { removeSubtree(w.path, keepSelf: false) }
        for record in layer.entries {
            // An entry below a path that a lower layer made a symlink is written through that link.
            if let link = ImagePath.ancestors(of: record.path).first(where: { entries[$0]?.record.type == .symlink && entries[$0]!.layer < index }) {
                findings.append(Finding(kind: .writeThroughSymlink, path: record.path, layer: index,
                                        message: "entry goes through the symlink \(link) of layer \(entries[link]!.layer)"))
            }
            var record = record
            if record.type == .hardlink, let target = record.linkTarget, record.linkTarget?.hasPrefix("/") == true {
                if let resolved = entries[target]?.record, resolved.type == .file || resolved.type == .hardlink {
                    if record.digest == nil { record.digest = resolved.digest }
                    record.size = resolved.size
                } else if record.digest == nil {
                    findings.append(Finding(kind: .missingHardlinkTarget, path: record.path, layer: index,
                                            message: "hardlink to \(target), which does not exist"))
                }
            }
            insert(MergedEntry(record: record, layer: index))
        }
    }
}
