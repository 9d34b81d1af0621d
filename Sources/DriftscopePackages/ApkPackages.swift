import Foundation

/// Reads Alpine's `/lib/apk/db/installed`: blank-line separated blocks of `K:value` lines, where `P`,
/// `V` and `A` are name, version and architecture, and each `F:` folder is followed by the `R:` files
/// in it (both relative to `/`).
enum ApkPackages {
    static func read(_ databases: [(path: String, data: Data)], into inventory: inout InventoryBuilder) {
        for (path, data) in databases {
            let text: String
            switch DatabaseText.decode(data) {
            case .success(let decoded): text = decoded
            case .failure(let error):
                inventory.problem(path, error.description)
                continue
            }
            var block = Block(line: 1)
            var malformed: [Int] = []
            var lineNumber = 0
            for line in TextLines(text) {
                lineNumber += 1
                if line.isEmpty {
                    finish(block, path: path, into: &inventory)
                    block = Block(line: lineNumber + 1)
                    continue
                }
                let bytes = line.utf8
                guard bytes.count >= 2, bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: ":"),
                      let key = line.first else {
                    malformed.append(lineNumber)
                    continue
                }
                let value = String(line.dropFirst(2))
                switch key {
                case "P": if block.name == nil { block.name = value }
                case "V": if block.version == nil { block.version = value }
                case "A": if block.architecture == nil { block.architecture = value }
                case "F": block.folder = value
                case "R": block.files.append(PathParts.resolve(value, in: "/" + block.folder))
                default: break
                }
                block.isEmpty = false
            }
            finish(block, path: path, into: &inventory)
            if let first = malformed.first {
                let more = malformed.count > 1 ? " (and \(malformed.count - 1) more lines)" : ""
                inventory.problem(path, "line \(first) is not a 'K:value' line\(more)")
            }
        }
    }

    private struct Block {
        var line: Int
        var isEmpty = true
        var name: String?
        var version: String?
        var architecture: String?
        var folder = ""
        var files: [String] = []
    }

    private static func finish(_ block: Block, path: String, into inventory: inout InventoryBuilder) {
        guard !block.isEmpty else { return }
        guard let name = block.name, !name.isEmpty else {
            inventory.problem(path, "block at line \(block.line) has no P: (package name) line")
            return
        }
        guard let version = block.version, !version.isEmpty else {
            inventory.problem(path, "package \(name) (line \(block.line)) has no V: (version) line")
            return
        }
        let architecture = block.architecture.flatMap { $0.isEmpty ? nil : $0 }
        inventory.add(Package(ecosystem: .apk, name: name, version: version, architecture: architecture, source: path))
        let owner = PackageOwner(ecosystem: .apk, name: name)
        for file in block.files { inventory.own(file: file, by: owner) }
    }
}
