import DriftscopeImage
import Foundation

/// Compares two image configs (and manifest annotations) field by field.
enum ConfigComparer {
    static func compare(_ a: PreparedImage, _ b: PreparedImage, policy: Policy, platform: String) -> [ConfigDifference] {
        var out: [ConfigDifference] = []
        func add(_ field: String, _ va: JSONValue?, _ vb: JSONValue?, category: String, rule: Rule, explanation: String? = nil) {
            guard va != vb else { return }
            var rule = rule
            if rule.classification == .noise && !policy.enabled(rule) { rule = .configChanged }
            out.append(ConfigDifference(field: field, a: va?.description, b: vb?.description, category: category,
                                        classification: rule.classification, rule: rule.rawValue,
                                        explanation: explanation ?? rule.explanation, platform: platform))
        }
        let ca = a.configJSON?.objectValue ?? [:]
        let cb = b.configJSON?.objectValue ?? [:]
        for key in Set(ca.keys).union(cb.keys).sorted() {
            let va = ca[key], vb = cb[key]
            switch key {
            case "architecture", "os", "variant", "os.version", "os.features":
                add(key, va, vb, category: "platform", rule: .platformChanged)
            case "created":
                add(key, va, vb, category: "config-metadata", rule: .configCreated)
            case "rootfs":
                continue // compared as layers and files
            case "container", "container_config", "docker_version", "builder", "moby.buildkit.buildinfo.v1":
                add(key, va, vb, category: "config-metadata", rule: .buildMetadata)
            case "history":
                compareHistory(va, vb, add: add)
            case "config":
                let ea = va?.objectValue ?? [:], eb = vb?.objectValue ?? [:]
                for field in Set(ea.keys).union(eb.keys).sorted() {
                    if field == "Labels" {
                        let la = ea[field]?.objectValue ?? [:], lb = eb[field]?.objectValue ?? [:]
                        for label in Set(la.keys).union(lb.keys).sorted() {
                            if label == "org.opencontainers.image.created" {
                                add("Labels.\(label)", la[label], lb[label], category: "config-metadata", rule: .createdLabel)
                            } else if policy.ignoreLabels.contains(label) {
                                add("Labels.\(label)", la[label], lb[label], category: "config-metadata", rule: .policyNoise,
                                    explanation: "The label is listed under ignoreLabels in \(policy.source ?? "the policy").")
                            } else {
                                add("Labels.\(label)", la[label], lb[label], category: "config", rule: .configChanged)
                            }
                        }
                    } else if field == "Hostname" || field == "Domainname" || field == "Image" {
                        add(field, ea[field], eb[field], category: "config-metadata", rule: .buildMetadata)
                    } else {
                        add(field, ea[field], eb[field], category: "config", rule: .configChanged)
                    }
                }
            default:
                add(key, va, vb, category: "config", rule: .configChanged)
            }
        }
        let aa = a.manifestAnnotations, ab = b.manifestAnnotations
        for key in Set(aa.keys).union(ab.keys).sorted() {
            let va = aa[key].map(JSONValue.string), vb = ab[key].map(JSONValue.string)
            if key == "org.opencontainers.image.created" {
                add("annotations.\(key)", va, vb, category: "config-metadata", rule: .createdLabel)
            } else {
                add("annotations.\(key)", va, vb, category: "annotations", rule: .annotationChanged)
            }
        }
        return out
    }

    private static func compareHistory(_ va: JSONValue?, _ vb: JSONValue?,
                                       add: (String, JSONValue?, JSONValue?, String, Rule, String?) -> Void) {
        guard case .array(let ha) = va ?? .array([]), case .array(let hb) = vb ?? .array([]) else {
            add("history", va, vb, "history", .configChanged, nil)
            return
        }
        for i in 0..<max(ha.count, hb.count) {
            let ea = i < ha.count ? ha[i].objectValue : [:]
            let eb = i < hb.count ? hb[i].objectValue : [:]
            if i >= ha.count || i >= hb.count {
                add("history[\(i)]", i < ha.count ? ha[i] : nil, i < hb.count ? hb[i] : nil, "history", .configChanged,
                    "The build history has another number of steps.")
                continue
            }
            for field in Set(ea.keys).union(eb.keys).sorted() {
                if field == "created" {
                    add("history[\(i)].created", ea[field], eb[field], "config-metadata", .historyCreated, nil)
                } else {
                    add("history[\(i)].\(field)", ea[field], eb[field], "history", .configChanged,
                        "A build step differs (\(field)).")
                }
            }
        }
    }
}
