import DriftscopeCompare
import DriftscopeForensics
import Foundation

/// Lets `compare` take a release snapshot as either side, recognised by content (gzip holding a
/// `driftscopeSnapshot` header), never by file name.
enum SnapshotSides {
    /// Both sides when A or B is a snapshot; nil when neither is (compare loads the images itself).
    /// A bad snapshot or image exits 3 with one line.
    static func load(a: String, b: String, options: CompareOptions) async throws -> (PreparedSide, PreparedSide)? {
        do {
            return try await Forensics.sides(a: a, b: b, options: options)
        } catch {
            if isTTY(2) { writeStderr("\r\u{1B}[K") }
            fail(error.description, code: 3)
        }
    }
}
