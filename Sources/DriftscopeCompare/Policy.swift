import Foundation
import Yams

/// A user's policy (`--policy FILE`, YAML): extra noise globs with a reason, paths always drift,
/// config labels to ignore, built-in rules turned off by name.
///
/// ```yaml
/// noise:
///   - path: /opt/app/BUILD_INFO
///     reason: written by our build with the commit time
/// drift:
///   - path: /etc/ssl/**
///     reason: certificates must never change silently
/// ignoreLabels: [com.example.build-id]
/// disable: [embedded-timestamps]
/// ```
public struct Policy: Sendable, Equatable {
    /// A glob with the user's reason.
    public struct PathRule: Sendable, Equatable {
        public var glob: Glob
        public var reason: String
    }
    /// Paths whose differences are noise.
    public var noise: [PathRule] = []
    /// Paths whose differences are always drift (over every noise rule).
    public var drift: [PathRule] = []
    /// Config labels whose changes are noise.
    public var ignoreLabels: [String] = []
    /// Built-in rules turned off.
    public var disabled: Set<Rule> = []
    /// Where the policy came from.
    public var source: String?

    public init() {}

    /// Why a policy file cannot be used.
    public enum LoadError: Error, Sendable, CustomStringConvertible {
        /// The file cannot be read.
        case unreadable(path: String, reason: String)
        /// The YAML is malformed or has an unknown key or rule name.
        case invalid(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "\(path): cannot read the policy: \(reason)"
            case .invalid(let path, let reason): return "\(path): invalid policy: \(reason)"
            }
        }
    }

    private struct File: Decodable {
        struct Entry: Decodable {
            var path: String
            var reason: String?
        }
        var noise: [Entry]?
        var drift: [Entry]?
        var ignoreLabels: [String]?
        var disable: [String]?
    }

    /// Loads a policy file.
    public static func load(path: String) throws(LoadError) -> Policy {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(text, source: path)
    }

    /// Parses policy YAML.
    public static func parse(_ text: String, source: String = "policy") throws(LoadError) -> Policy {
        let known: Set<String> = ["noise", "drift", "ignoreLabels", "disable"]
        let file: File
        do {
            if let top = try Yams.load(yaml: text) as? [String: Any] {
                if let unknown = top.keys.first(where: { !known.contains($0) }) {
                    throw LoadError.invalid(path: source, reason: "unknown key '\(unknown)' (expected: noise, drift, ignoreLabels, disable)")
                }
            }
            file = try YAMLDecoder().decode(File.self, from: text)
        } catch let error as LoadError {
            throw error
        } catch {
            throw .invalid(path: source, reason: "\(error)")
        }
        var policy = Policy()
        policy.source = source
        policy.noise = (file.noise ?? []).map { PathRule(glob: Glob($0.path), reason: $0.reason ?? "listed as noise in \(source)") }
        policy.drift = (file.drift ?? []).map { PathRule(glob: Glob($0.path), reason: $0.reason ?? "listed as drift in \(source)") }
        policy.ignoreLabels = file.ignoreLabels ?? []
        for name in file.disable ?? [] {
            guard let rule = Rule(rawValue: name), rule.classification == .noise else {
                let names = Rule.allCases.filter { $0.classification == .noise }.map(\.rawValue).joined(separator: ", ")
                throw .invalid(path: source, reason: "'\(name)' is not a noise rule that can be turned off (rules: \(names))")
            }
            policy.disabled.insert(rule)
        }
        return policy
    }

    /// Whether a built-in rule is on.
    public func enabled(_ rule: Rule) -> Bool { !disabled.contains(rule) }
}
