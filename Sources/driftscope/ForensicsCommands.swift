import ArgumentParser
import DriftscopeCompare

// Interim: the forensics helper replaces this file with record/verify and snapshot sides.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Record a release (in progress).")
}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify a release (in progress).")
}

enum SnapshotSides {
    static func load(a: String, b: String, options: CompareOptions) async throws -> (PreparedSide, PreparedSide)? { nil }
}
