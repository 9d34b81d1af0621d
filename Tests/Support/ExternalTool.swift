import Foundation

/// Runs external tools (bsdtar, gzip, zstd) for interop checks.
public enum ExternalTool {
    /// The result of a finished process.
    public struct Result: Sendable {
        /// Exit status.
        public var status: Int32
        /// Everything written to standard output.
        public var stdout: Data
        /// Everything written to standard error.
        public var stderr: Data
        /// Standard output as text.
        public var output: String { String(decoding: stdout, as: UTF8.self) }
        /// Standard error as text.
        public var errorOutput: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// The absolute path of an executable on PATH (or the usual system directories), or nil.
    public static func path(of name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin"]
        for dir in dirs {
            let candidate = (dir as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` (a name looked up on PATH, or a path) with arguments and waits for it.
    /// `environment` adds to (and overrides) the inherited environment, e.g. `["TZ": "UTC"]`.
    /// Output goes through temporary files, so large outputs cannot deadlock a pipe.
    public static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                           environment: [String: String]? = nil) throws -> Result {
        guard let path = executable.contains("/") ? executable : path(of: executable) else {
            throw FixtureError.io("\(executable) is not installed")
        }
        let scratch = try TemporaryDirectory(prefix: "tool")
        let outURL = scratch.path("stdout"), errURL = scratch.path("stderr"), inURL = scratch.path("stdin")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        try (stdin ?? Data()).write(to: inURL)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        defer { try? out.close(); try? err.close(); try? input.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                      stderr: try Data(contentsOf: errURL))
    }
}

/// The `driftscope` executable the end-to-end tests run: `$DRIFTSCOPE_BIN`, else the one built
/// beside the running test binary (the same scratch path and configuration), else
/// `.build/debug/driftscope` under the package root (what `make test` builds first).
public enum DriftscopeBinary {
    /// The path, or nil when nothing is built.
    public static let path: String? = {
        if let path = ProcessInfo.processInfo.environment["DRIFTSCOPE_BIN"], !path.isEmpty { return path }
        var candidates: [String] = []
        if let runner = CommandLine.arguments.first {
            var dir = URL(fileURLWithPath: runner).deletingLastPathComponent()
            // On Linux the runner is `<scratch>/debug/<package>PackageTests.xctest`; on macOS it is
            // inside a bundle a few levels down.
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("driftscope").path)
                dir = dir.deletingLastPathComponent()
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/driftscope").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}
