import CArchive

/// An error from the archive layer. Each message says what was being read and what to do.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libarchive could not allocate a handle.
    case allocationFailed
    /// A file could not be opened or read.
    case io(path: String, message: String)
    /// libarchive reported a malformed or truncated archive.
    case corrupt(what: String, message: String)
    /// The stream is compressed with a filter driftscope does not read.
    case unsupportedCompression(what: String, filter: String)
    /// Writing an archive failed.
    case writeFailed(message: String)

    public var description: String {
        switch self {
        case .allocationFailed:
            return "could not allocate an archive reader (out of memory?)"
        case .io(let path, let message):
            return "cannot read \(path): \(message)"
        case .corrupt(let what, let message):
            return "\(what) is not a readable archive: \(message) (is the file truncated or corrupt? re-export the image)"
        case .unsupportedCompression(let what, let filter):
            return "\(what) is compressed with \(filter), which driftscope does not read (use gzip, zstd or none)"
        case .writeFailed(let message):
            return "cannot write archive: \(message)"
        }
    }
}

/// Turns a libarchive return code into a thrown error carrying `archive_error_string`.
@inline(__always)
func check(_ code: Int32, _ handle: OpaquePointer, what: String) throws(ArchiveError) {
    if code < ARCHIVE_WARN { throw .corrupt(what: what, message: errorString(handle)) }
}

func errorString(_ handle: OpaquePointer) -> String {
    if let s = archive_error_string(handle) { return String(cString: s) }
    return "unknown libarchive error"
}
