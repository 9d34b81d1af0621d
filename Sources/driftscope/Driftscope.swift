import ArgumentParser
import DriftscopeArchive
import DriftscopeCompare
import DriftscopeImage
import Foundation

/// The `driftscope` command: a thin front over the library. It parses arguments, calls the library
/// and maps the result to an exit code: 0 ok, 1 drift (or lint errors), 2 usage, 3 invalid input.
struct Driftscope: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftscope",
        abstract: "Verify that two builds of a container image are the same, to the byte.",
        discussion: """
        Exit codes: 0 byte-equal or dependency-equivalent (or ok), 1 drift, 2 usage error, 3 invalid input \
        (corrupt archive, digest mismatch, missing blob).
        """,
        version: driftscopeVersion,
        subcommands: [CompareCommand.self, InspectCommand.self, RecordCommand.self, VerifyCommand.self, LintCommand.self, BenchDiffCommand.self]
    )
}

@main
enum Main {
    static func main() async {
        Allocator.tuneForLargeImages()
        Trace.mark("started")
        do {
            var command = try Driftscope.parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch let error as InputError {
            fail(error.description, code: 3)
        } catch {
            let code = Driftscope.exitCode(for: error)
            if code == .success {
                print(Driftscope.fullMessage(for: error))
                exit(0)
            }
            // Argument errors: one message and the usage, exit 2 (not the library's default 64).
            writeStderr(Driftscope.fullMessage(for: error) + "\n")
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Writes to standard error (the global `stderr` is not usable under Swift 6 concurrency checks).
func writeStderr(_ s: String) {
    FileHandle.standardError.write(Data(s.utf8))
}

/// Prints one line to standard error and exits.
func fail(_ message: String, code: Int32) -> Never {
    let oneLine = message.replacingOccurrences(of: "\n", with: " ")
    writeStderr("driftscope: error: \(oneLine)\n")
    exit(code)
}

/// Writes a report to a file, or fails with exit 2 naming the file.
func writeReport(_ text: String, to path: String) {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    } catch {
        fail("cannot write \(path): \(error.localizedDescription)", code: 2)
    }
}

/// Whether standard error / output is a terminal.
func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }
