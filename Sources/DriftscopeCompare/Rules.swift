import Foundation

/// The built-in rules: each has a stable name (used in reports, JSON and `disable:` in a policy)
/// and an explanation that reports print beside every difference it decided.
public enum Rule: String, CaseIterable, Sendable, Codable {
    // Noise
    case timestamps
    case entryOrder = "entry-order"
    case tarFormat = "tar-format"
    case pathPrefix = "path-prefix"
    case compression
    case pythonBytecode = "python-bytecode"
    case gzipHeader = "gzip-header"
    case zipMetadata = "zip-metadata"
    case logsAndCaches = "logs-and-caches"
    case shadowLastChange = "shadow-last-change"
    case embeddedTimestamps = "embedded-timestamps"
    case packageDatabase = "package-database"
    case configCreated = "config-created"
    case historyCreated = "history-created"
    case createdLabel = "created-label"
    case buildMetadata = "build-metadata"
    case policyNoise = "policy-noise"
    // Drift
    case policyDrift = "policy-drift"
    case contentChanged = "content-changed"
    case fileAdded = "file-added"
    case fileRemoved = "file-removed"
    case typeChanged = "type-changed"
    case modeChanged = "mode-changed"
    case specialBits = "special-bits"
    case ownerChanged = "owner-changed"
    case xattrChanged = "xattr-changed"
    case capabilityChanged = "capability-changed"
    case linkChanged = "link-changed"
    case deviceChanged = "device-changed"
    case packageChanged = "package-changed"
    case configChanged = "config-changed"
    case platformChanged = "platform-changed"
    case platformMissing = "platform-missing"
    case annotationChanged = "annotation-changed"
    case unsafeEntry = "unsafe-entry"
    case tooLargeToInspect = "too-large-to-inspect"

    /// Whether the rule labels differences as noise.
    public var classification: Classification {
        switch self {
        case .timestamps, .entryOrder, .tarFormat, .pathPrefix, .compression, .pythonBytecode, .gzipHeader,
             .zipMetadata, .logsAndCaches, .shadowLastChange, .embeddedTimestamps, .packageDatabase,
             .configCreated, .historyCreated, .createdLabel, .buildMetadata, .policyNoise:
            return .noise
        default:
            return .drift
        }
    }

    /// One sentence a reader can check.
    public var explanation: String {
        switch self {
        case .timestamps: return "Only the modification, access or change time differs; builds stamp files with the time they ran."
        case .entryOrder: return "The same entries in another order within the layer; tar order does not change the unpacked filesystem."
        case .tarFormat: return "Only the tar encoding differs (user or group name recorded or not, ustar/pax/GNU headers); numeric owners are equal."
        case .pathPrefix: return "Only a leading './' or '/' in the stored name differs; both unpack to the same path."
        case .compression: return "Same uncompressed content (diff_id), different compressed bytes: only the compression level or algorithm differs."
        case .pythonBytecode: return "Python bytecode whose source is byte-equal on both sides, or which differs only in its 16-byte header (PEP 552 flags, source mtime and size); rebuilt bytecode embeds build times and paths but derives from the same source."
        case .gzipHeader: return "A gzip file whose decompressed content is equal; only its header (mtime, original name, OS byte) differs."
        case .zipMetadata: return "A zip/jar/wheel (or tar) archive whose members have the same names, types and contents; only member timestamps, order or extra fields differ."
        case .logsAndCaches: return "A log, cache or per-machine file (/var/log, apt and pip caches, /tmp, ld.so aux-cache, machine-id) that every build writes anew."
        case .shadowLastChange: return "/etc/shadow differs only in the last-password-change field, which records the day the build ran."
        case .embeddedTimestamps: return "The changed lines differ only in date/time tokens (ISO 8601, RFC 2822, date(1) output, epoch seconds near date/time/build): an embedded build timestamp."
        case .packageDatabase: return "A package database file was rewritten but lists exactly the same packages at the same versions (install times and order may differ)."
        case .configCreated: return "The image creation time; every build records when it ran."
        case .historyCreated: return "A history entry's creation time; every build records when each step ran."
        case .createdLabel: return "The org.opencontainers.image.created label or annotation records the build time."
        case .buildMetadata: return "A config field that records how the image was built (the build container's id and settings, the builder's version), not how it runs."
        case .policyNoise: return "Listed as noise by the policy file."
        case .policyDrift: return "Listed as drift by the policy file, over every noise rule."
        case .contentChanged: return "The file's bytes differ."
        case .fileAdded: return "The path exists only in image B."
        case .fileRemoved: return "The path exists only in image A."
        case .typeChanged: return "The entry type differs (file, directory, symlink, ...)."
        case .modeChanged: return "Permission bits differ."
        case .specialBits: return "A setuid, setgid or sticky bit changed: security-relevant."
        case .ownerChanged: return "The numeric owner or group differs."
        case .xattrChanged: return "Extended attributes differ."
        case .capabilityChanged: return "The security.capability attribute (file capabilities) differs: security-relevant."
        case .linkChanged: return "A symlink or hardlink points elsewhere."
        case .deviceChanged: return "A device node's numbers differ."
        case .packageChanged: return "A package was added, removed or changed version."
        case .configChanged: return "An image config field that affects how the container runs differs."
        case .platformChanged: return "The image is for another OS, architecture or variant."
        case .platformMissing: return "A platform exists in only one of the two images."
        case .annotationChanged: return "A manifest annotation differs."
        case .unsafeEntry: return "An unsafe entry (path escaping the root, hostile symlink) differs between the images."
        case .tooLargeToInspect: return "The contents differ and the file is larger than --max-diff-bytes, so no noise rule could look inside; counted as drift."
        }
    }

    /// The description reports embed.
    public var describe: RuleDescription {
        RuleDescription(name: rawValue, classification: classification, explanation: explanation)
    }
}

/// Paths every build writes anew (rule `logs-and-caches`).
let logAndCacheGlobs: [Glob] = [
    "/var/log/**", "/var/cache/ldconfig/aux-cache", "/var/cache/apt/**", "/var/cache/debconf/*-old",
    "/var/lib/dpkg/*-old", "/root/.cache/**", "/root/.cache", "/tmp/**", "/var/tmp/**", "/etc/machine-id",
    "/var/lib/dbus/machine-id", "/var/lib/apt/lists/**", "/var/cache/apk/**", "/var/cache/dnf/**",
    "/var/cache/yum/**", "/var/lib/dnf/history.sqlite*", "/var/lib/rpm/__db.*", "/var/lib/rpm/.rpm.lock",
    "/root/.npm/_logs/**", "/root/.npm/_cacache/**", "/root/go/pkg/mod/cache/**", "/go/pkg/mod/cache/**",
    "/root/.cache/go-build/**", "/home/*/.cache/**", "/var/lib/apt/extended_states", "/var/cache/man/**",
    "/var/cache/fontconfig/**", "/etc/ld.so.cache", "/var/lib/pip/**",
    "/root/.*_history", "/root/.wget-hsts", "/root/.lesshst", "/root/.viminfo", "/home/*/.*_history",
    "/var/lib/dnf/**", "/var/lib/rpm/rpmdb.sqlite-shm", "/var/lib/rpm/rpmdb.sqlite-wal",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite-shm", "/usr/lib/sysimage/rpm/rpmdb.sqlite-wal",
    "/var/cache/ldconfig/**", "/var/lib/systemd/random-seed", "/var/cache/debconf/*.dat-old",
].map(Glob.init)
