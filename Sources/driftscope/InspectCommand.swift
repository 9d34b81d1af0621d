import ArgumentParser
import DriftscopeCompare
import DriftscopeImage
import DriftscopeReport
import Foundation

/// `driftscope inspect IMAGE`: what exactly is this image.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show an image's digests, platform, layers and findings, verifying every blob.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "An OCI archive or layout directory, a docker-archive, or a crane tarball.")
    var image: String

    @Option(help: "Platform os/arch[/variant] to inspect (default: every platform present).")
    var platform: String?

    @Option(name: .customLong("image"), help: "Which image of an archive holding several (tag, name or digest).")
    var imageName: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "List the merged file tree (whiteouts applied).")
    var files = false

    func validate() throws {
        if let platform, Platform(parsing: platform) == nil {
            throw ValidationError("--platform must be os/arch[/variant], e.g. linux/arm64/v8")
        }
    }

    func run() async throws {
        let inspection = try await Inspector.inspect(path: image, image: imageName, platform: platform.flatMap(Platform.init(parsing:)), files: files)
        switch format {
        case .json: print(JSONReport.render(inspection), terminator: "")
        case .text: print(TextReport.render(inspection, files: files), terminator: "")
        }
    }
}
