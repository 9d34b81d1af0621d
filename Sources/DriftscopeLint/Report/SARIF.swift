import Foundation

// The subset of SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) the lint
// report writes. Property names are the schema's; section numbers point at the specification.

enum SARIF {
    /// The JSON schema SARIF consumers validate against.
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"

    /// §3.13 sarifLog.
    struct Log: Encodable {
        var schema = SARIF.schema
        var version = "2.1.0"
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version
            case runs
        }
    }

    /// §3.14 run.
    struct Run: Encodable {
        var tool: Tool
        var results: [Result]
    }

    /// §3.18 tool.
    struct Tool: Encodable {
        var driver: Driver
    }

    /// §3.19 toolComponent (the driver).
    struct Driver: Encodable {
        var name: String
        var informationUri: String
        var rules: [Rule]
    }

    /// §3.49 reportingDescriptor.
    struct Rule: Encodable {
        var id: String
        var name: String
        var shortDescription: Message
        var fullDescription: Message
        var help: Message
        var defaultConfiguration: Configuration
    }

    /// §3.50 reportingConfiguration.
    struct Configuration: Encodable {
        var level: String
    }

    /// §3.11 message (and multiformatMessageString, §3.12, which has the same `text`).
    struct Message: Encodable {
        var text: String
    }

    /// §3.27 result.
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [Location]
    }

    /// §3.28 location.
    struct Location: Encodable {
        var physicalLocation: PhysicalLocation
    }

    /// §3.29 physicalLocation.
    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region
    }

    /// §3.4 artifactLocation.
    struct ArtifactLocation: Encodable {
        var uri: String
    }

    /// §3.30 region.
    struct Region: Encodable {
        var startLine: Int
    }

    /// A URI reference for a path as given on the command line: relative paths stay relative (code scanning
    /// resolves them against the repository root), absolute ones become `file://` URIs; characters a URI
    /// cannot hold are percent-encoded.
    static func uri(forPath path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#[]@!$&'()*+,;=:")
        var trimmed = Substring(path)
        while trimmed.hasPrefix("./") { trimmed = trimmed.dropFirst(2) }
        let encoded = String(trimmed).addingPercentEncoding(withAllowedCharacters: allowed) ?? String(trimmed)
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
