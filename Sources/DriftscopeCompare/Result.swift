import DriftscopeArchive
import DriftscopeDiff
import DriftscopeImage
import DriftscopePackages
import Foundation

/// The answer to "are these two builds the same?", worst last.
public enum Verdict: String, Codable, Sendable, Comparable, CaseIterable {
    /// The same bytes; at most the compressed wrapping differs.
    case byteEqual = "byte-equal"
    /// The same dependency tree, with only nondeterministic noise left.
    case dependencyEquivalent = "dependency-equivalent"
    /// At least one real difference.
    case drift

    var rank: Int {
        switch self {
        case .byteEqual: return 0
        case .dependencyEquivalent: return 1
        case .drift: return 2
        }
    }

    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

/// Whether a difference matters.
public enum Classification: String, Codable, Sendable, Hashable {
    /// Nondeterministic build noise: reported, labelled, not counted against equivalence.
    case noise
    /// A real difference.
    case drift
}

/// What differs about a path.
public enum DifferenceKind: String, Codable, Sendable, Hashable, CaseIterable {
    case added, removed, content, type, mode, owner, xattrs
    case symlinkTarget = "symlink-target"
    case hardlinkTarget = "hardlink-target"
    case device
    case mtime
    case entryOrder = "entry-order"
    case pathPrefix = "path-prefix"
    case ownerName = "owner-name"
}

/// One labelled difference between the two merged filesystems.
public struct Difference: Codable, Sendable, Equatable {
    /// The absolute image path (`/usr/local/bin/run.sh`).
    public var path: String
    /// What differs.
    public var kind: DifferenceKind
    /// The group it is summarised under (a rule family for noise, the kind for drift).
    public var category: String
    /// Noise or drift.
    public var classification: Classification
    /// The rule that decided the classification.
    public var rule: String
    /// Why, in a sentence a person can check.
    public var explanation: String
    /// The layer that last wrote the path in image A (nil when absent there).
    public var layerA: Int?
    /// The layer that last wrote the path in image B.
    public var layerB: Int?
    /// A short rendering of the value in A (mode, owner, digest, target), when it has one.
    public var a: String?
    /// The same in B.
    public var b: String?
    /// Setuid/setgid/sticky changes, `security.capability` changes, unsafe entries.
    public var securityRelevant: Bool
    /// The package the path belongs to, as `ecosystem:name`, when a package database lists it.
    public var package: String?
    /// The platform (`linux/amd64`) this difference belongs to.
    public var platform: String?
    /// What changed inside the file, when it was read again to show it.
    public var diff: ContentDiff? {
        get { diffBox?.value }
        set { diffBox = newValue.map(DiffBox.init) }
    }
    // A rebuild has tens of thousands of differences and a handful of diffs: kept out of line, the
    // diff costs each difference 8 bytes instead of 120.
    private var diffBox: DiffBox?

    private final class DiffBox: Sendable {
        let value: ContentDiff
        init(_ value: ContentDiff) { self.value = value }
    }

    private enum CodingKeys: String, CodingKey {
        case path, kind, category, classification, rule, explanation, layerA, layerB, a, b, securityRelevant, package
        case platform, diff
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        kind = try c.decode(DifferenceKind.self, forKey: .kind)
        category = try c.decode(String.self, forKey: .category)
        classification = try c.decode(Classification.self, forKey: .classification)
        rule = try c.decode(String.self, forKey: .rule)
        explanation = try c.decode(String.self, forKey: .explanation)
        layerA = try c.decodeIfPresent(Int.self, forKey: .layerA)
        layerB = try c.decodeIfPresent(Int.self, forKey: .layerB)
        a = try c.decodeIfPresent(String.self, forKey: .a)
        b = try c.decodeIfPresent(String.self, forKey: .b)
        securityRelevant = try c.decode(Bool.self, forKey: .securityRelevant)
        package = try c.decodeIfPresent(String.self, forKey: .package)
        platform = try c.decodeIfPresent(String.self, forKey: .platform)
        diff = try c.decodeIfPresent(ContentDiff.self, forKey: .diff)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(kind, forKey: .kind)
        try c.encode(category, forKey: .category)
        try c.encode(classification, forKey: .classification)
        try c.encode(rule, forKey: .rule)
        try c.encode(explanation, forKey: .explanation)
        try c.encodeIfPresent(layerA, forKey: .layerA)
        try c.encodeIfPresent(layerB, forKey: .layerB)
        try c.encodeIfPresent(a, forKey: .a)
        try c.encodeIfPresent(b, forKey: .b)
        try c.encode(securityRelevant, forKey: .securityRelevant)
        try c.encodeIfPresent(package, forKey: .package)
        try c.encodeIfPresent(platform, forKey: .platform)
        try c.encodeIfPresent(diff, forKey: .diff)
    }

    public static func == (x: Difference, y: Difference) -> Bool {
        x.path == y.path && x.kind == y.kind && x.category == y.category && x.classification == y.classification
            && x.rule == y.rule && x.explanation == y.explanation && x.layerA == y.layerA && x.layerB == y.layerB
            && x.a == y.a && x.b == y.b && x.securityRelevant == y.securityRelevant && x.package == y.package
            && x.platform == y.platform && x.diff == y.diff
    }

    public init(path: String, kind: DifferenceKind, category: String, classification: Classification, rule: String,
                explanation: String, layerA: Int? = nil, layerB: Int? = nil, a: String? = nil, b: String? = nil,
                securityRelevant: Bool = false, package: String? = nil, platform: String? = nil, diff: ContentDiff? = nil) {
        self.path = path; self.kind = kind; self.category = category; self.classification = classification
        self.rule = rule; self.explanation = explanation; self.layerA = layerA; self.layerB = layerB
        self.a = a; self.b = b; self.securityRelevant = securityRelevant; self.package = package
        self.platform = platform; self.diffBox = diff.map(DiffBox.init)
    }
}

/// What changed inside a file, attached to its difference.
public struct ContentDiff: Codable, Sendable, Equatable {
    /// `text`, `binary`, `symlink`, `archive`, `pyc`, `json`, or `omitted`.
    public var type: String
    /// A unified text diff.
    public var text: TextDiff?
    /// A binary diff.
    public var binary: BinaryDiff?
    /// Member-by-member differences of a nested archive, or decoded header fields.
    public var members: [String]?
    /// Why the diff is missing or cut.
    public var note: String?

    public init(type: String, text: TextDiff? = nil, binary: BinaryDiff? = nil, members: [String]? = nil, note: String? = nil) {
        self.type = type; self.text = text; self.binary = binary; self.members = members; self.note = note
    }
}

/// One field of the image config (or manifest) that differs.
public struct ConfigDifference: Codable, Sendable, Hashable {
    /// The field (`Env`, `Labels.org.opencontainers.image.created`, `history[3].created`, `architecture`).
    public var field: String
    /// The value in A, as compact JSON (nil when absent).
    public var a: String?
    /// The value in B.
    public var b: String?
    /// `config`, `platform`, `history`, `annotations`, `config-metadata`.
    public var category: String
    /// Noise or drift.
    public var classification: Classification
    /// The deciding rule.
    public var rule: String
    /// Why.
    public var explanation: String
    /// The platform.
    public var platform: String?
}

/// One layer of either image, as the report shows it.
public struct LayerSummary: Codable, Sendable, Hashable {
    public var digest: Digest
    public var diffID: Digest
    public var mediaType: String
    public var size: Int64
    public var uncompressedSize: Int64?
    public var entryCount: Int?
    public var compression: String?
}

/// Two layers at one position and how they relate.
public struct LayerComparison: Codable, Sendable, Hashable {
    /// The relation.
    public enum Relation: String, Codable, Sendable {
        /// Same digest.
        case identical
        /// Same diff_id, another digest or media type: only the compression differs.
        case compressionOnly = "compression-only"
        /// Different content: walked file by file.
        case different
        /// Only image A has a layer here.
        case onlyA = "only-a"
        /// Only image B has a layer here.
        case onlyB = "only-b"
    }
    public var index: Int
    public var a: LayerSummary?
    public var b: LayerSummary?
    public var relation: Relation
    public var platform: String?
}

/// One side of a comparison.
public struct ImageSummary: Codable, Sendable, Hashable {
    public var source: String
    public var format: String
    public var name: String?
    public var manifestDigest: Digest?
    public var manifestSynthesized: Bool?
    public var indexDigest: Digest?
    public var configDigest: Digest?
    public var platform: String?
    public var platforms: [String]
    public var notes: [String]
}

/// A finding on one side.
public struct SideFinding: Codable, Sendable, Hashable {
    /// `a` or `b`.
    public var side: String
    public var kind: String
    public var path: String
    public var layer: Int?
    public var message: String
    public var platform: String?
}

/// Package changes.
public struct PackageReport: Codable, Sendable, Hashable {
    /// Added, removed and changed packages.
    public var changes: [PackageChange]
    /// The ecosystems whose databases were found in either image.
    public var ecosystems: [String]
    /// Packages in A and in B.
    public var countA: Int
    public var countB: Int
    /// Databases that could not be parsed.
    public var problems: [String]
}

/// Counts for a summary.
public struct Summary: Codable, Sendable, Hashable {
    /// Differences per category and classification: `{"timestamps": {"noise": 12}}`.
    public var byCategory: [String: [String: Int]]
    public var noise: Int
    public var drift: Int
    public var configNoise: Int
    public var configDrift: Int
    public var packageChanges: Int
    public var findings: Int
    /// Paths in A's merged file trees (summed over platforms; 0 where the images were shown equal
    /// without walking their layers).
    public var filesA: Int
    /// The same for B.
    public var filesB: Int
}

/// The comparison of one platform.
public struct PlatformComparison: Codable, Sendable, Equatable {
    public var platform: String
    public var verdict: Verdict
    /// Why this verdict, in one sentence.
    public var reason: String
    public var manifestDigestA: Digest?
    public var manifestDigestB: Digest?
    public var config: [ConfigDifference]
    public var layers: [LayerComparison]
    public var differences: [Difference]
    public var packages: PackageReport
    public var findings: [SideFinding]
    /// Paths in A's merged file tree (nil when it was not built: equal manifests or layers).
    public var pathsA: Int?
    /// Paths in B's merged file tree.
    public var pathsB: Int?
}

/// The whole result: one value that every renderer reads and none recomputes.
public struct Comparison: Codable, Sendable {
    /// The JSON contract's version; fields are only ever added.
    public var schemaVersion: Int = 1
    public var tool: String = "driftscope"
    public var toolVersion: String
    public var verdict: Verdict
    public var reason: String
    public var a: ImageSummary
    public var b: ImageSummary
    public var config: [ConfigDifference]
    public var layers: [LayerComparison]
    public var differences: [Difference]
    public var packages: PackageReport
    public var findings: [SideFinding]
    public var summary: Summary
    public var platforms: [PlatformComparison]
    /// Rules applied, with their explanations, for readers of the report.
    public var rules: [RuleDescription]
    /// The policy file used, if any.
    public var policy: String?
}

/// A rule, as reports explain it.
public struct RuleDescription: Codable, Sendable, Hashable {
    public var name: String
    public var classification: Classification
    public var explanation: String
}

/// The driftscope version.
public let driftscopeVersion = "0.1.0"
