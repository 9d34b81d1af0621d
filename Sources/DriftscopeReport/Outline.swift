import DriftscopeCompare
import Foundation

/// The order and grouping that every renderer shows, taken from one `Comparison`.
///
/// Nothing here decides anything: classifications, rules, explanations and verdicts come from the
/// comparator unchanged. The outline only arranges them the same way for text, HTML and Markdown,
/// so the three reports list the same drift in the same order.
struct Outline {
    /// One noise difference, file or config, as a row of a group.
    struct NoiseItem {
        /// The path, or `config <field>` for a config difference.
        var label: String
        /// What the filter box matches: the path or the config field.
        var path: String
        /// The difference kind (`mtime`, `entry-order`, `config`).
        var kind: String
        var rule: String
        var a: String?
        var b: String?
        var platform: String?
    }

    /// A rule's name and explanation as the report prints it.
    struct RuleText {
        var name: String
        var explanation: String
    }

    /// Noise of one category, with the rules that put it there.
    struct NoiseGroup {
        /// The category as the comparator named it (`timestamps`, `config-metadata`).
        var category: String
        /// True for image-config categories (summarised as `config:<category>`).
        var isConfig: Bool
        /// The rules that decided the group's items, in first-seen order, with their explanations.
        var rules: [RuleText]
        var items: [NoiseItem]
    }

    /// One drift item: a config field or a path.
    enum DriftItem {
        case config(ConfigDifference)
        case file(Difference)
    }

    /// Config differences classified as drift, in comparator order.
    let configDrift: [ConfigDifference]
    /// Path differences classified as drift: security-relevant ones first, then comparator order.
    let fileDrift: [Difference]
    /// Security-relevant path drift (the first items of `fileDrift`).
    let securityCount: Int
    /// Every drift item in the order reports list them: security-relevant paths, then the config,
    /// then the other paths in comparator order.
    var driftItems: [DriftItem] {
        fileDrift.prefix(securityCount).map(DriftItem.file) + configDrift.map(DriftItem.config)
            + fileDrift.dropFirst(securityCount).map(DriftItem.file)
    }
    /// Noise by category, largest first (ties by name), file categories before config ones.
    let noiseGroups: [NoiseGroup]
    /// Noise items in all.
    let noiseCount: Int
    /// Drift items in all (config and paths).
    var driftCount: Int { configDrift.count + fileDrift.count }
    /// More than one platform was compared: items carry a platform tag.
    let multiPlatform: Bool

    init(_ c: Comparison) {
        multiPlatform = c.platforms.count > 1
        configDrift = c.config.filter { $0.classification == .drift }
        let drift = c.differences.filter { $0.classification == .drift }
        let security = drift.filter(\.securityRelevant)
        securityCount = security.count
        fileDrift = security + drift.filter { !$0.securityRelevant }

        let known = Dictionary(c.rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var groups: [String: NoiseGroup] = [:]
        var order: [String] = []
        func add(key: String, category: String, isConfig: Bool, rule: String, explanation: String, item: NoiseItem) {
            if groups[key] == nil {
                groups[key] = NoiseGroup(category: category, isConfig: isConfig, rules: [], items: [])
                order.append(key)
            }
            if !groups[key]!.rules.contains(where: { $0.name == rule }) {
                groups[key]!.rules.append(RuleText(name: rule, explanation: known[rule]?.explanation ?? explanation))
            }
            groups[key]!.items.append(item)
        }
        var count = 0
        for d in c.differences where d.classification == .noise {
            count += 1
            let label = d.kind == .entryOrder && d.layerA != nil ? "\(d.path) (layer \(d.layerA!))" : d.path
            add(key: d.category, category: d.category, isConfig: false, rule: d.rule, explanation: d.explanation,
                item: NoiseItem(label: label, path: d.path, kind: d.kind.rawValue, rule: d.rule, a: d.a, b: d.b, platform: d.platform))
        }
        for d in c.config where d.classification == .noise {
            count += 1
            add(key: "config:" + d.category, category: d.category, isConfig: true, rule: d.rule, explanation: d.explanation,
                item: NoiseItem(label: "config " + d.field, path: d.field, kind: "config", rule: d.rule, a: d.a, b: d.b, platform: d.platform))
        }
        noiseCount = count
        noiseGroups = order.compactMap { groups[$0] }.sorted {
            if $0.isConfig != $1.isConfig { return !$0.isConfig }
            if $0.items.count != $1.items.count { return $0.items.count > $1.items.count }
            return $0.category < $1.category
        }
    }
}

/// What each verdict means, in the words of `Verdict`'s documentation.
func verdictMeaning(_ v: Verdict) -> String {
    switch v {
    case .byteEqual: return "The same bytes; at most the compressed wrapping differs."
    case .dependencyEquivalent: return "The same dependency tree, with only nondeterministic build noise left."
    case .drift: return "At least one real difference."
    }
}

/// `1780 B`, `1.7 KiB`, `3.2 MiB`.
func byteCount(_ n: Int64) -> String {
    if n < 1024 { return "\(n) B" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var value = Double(n) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return String(format: value < 10 ? "%.1f" : "%.0f", value) + " " + units[unit]
}

/// `layer 0 → 2`, `layer 1 (A)`, or nothing.
func layerText(_ d: Difference) -> String {
    switch (d.layerA, d.layerB) {
    case let (x?, y?): return "layer \(x) → \(y)"
    case let (x?, nil): return "layer \(x) (A)"
    case let (nil, y?): return "layer \(y) (B)"
    default: return ""
    }
}

/// A package change as a word: added, removed, or changed.
func packageChangeWord(from: String?, to: String?) -> String {
    switch (from, to) {
    case (nil, _?): return "added"
    case (_?, nil): return "removed"
    default: return "changed"
    }
}
