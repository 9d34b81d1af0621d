/// Why the linter could not run. Problems inside a Dockerfile are findings, not errors; these are the
/// conditions that stop `driftscope lint` before it can say anything about the files.
public enum LintError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file named on the command line does not exist or cannot be read.
    case unreadableFile(path: String, reason: String)
    /// A file is not UTF-8 text.
    case notText(path: String)
    /// The report could not be written to the requested output file.
    case unwritableOutput(path: String, reason: String)

    /// One line for standard error that says what went wrong and what to do.
    public var description: String {
        func clause(_ reason: String) -> String {
            reason.hasSuffix(".") ? String(reason.dropLast()) : reason
        }
        switch self {
        case .unreadableFile(let path, let reason):
            return "driftscope lint: cannot read '\(path)': \(clause(reason)); check the path and its permissions"
        case .notText(let path):
            return "driftscope lint: '\(path)' is not UTF-8 text; pass the Dockerfile and requirements files, "
                + "not an image or archive"
        case .unwritableOutput(let path, let reason):
            return "driftscope lint: cannot write the report to '\(path)': \(clause(reason)); "
                + "choose a writable path for --output"
        }
    }
}
