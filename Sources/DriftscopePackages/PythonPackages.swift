import Foundation

/// Reads python distributions: `*.dist-info/METADATA` and `*.egg-info/PKG-INFO` (email-header format),
/// with file ownership from the `RECORD` beside a METADATA.
enum PythonPackages {
    static func read(
        _ metadataFiles: [(path: String, data: Data)], files: [String: Data], into inventory: inout InventoryBuilder
    ) {
        for (path, data) in metadataFiles {
            let text: String
            switch DatabaseText.decode(data) {
            case .success(let decoded): text = decoded
            case .failure(let error):
                inventory.problem(path, error.description)
                continue
            }
            let header = ControlText(text, headerOnly: true)
            if let summary = header.malformedSummary { inventory.problem(path, summary) }
            let fields = header.stanzas.first
            guard let rawName = fields?["Name"], !rawName.isEmpty else {
                inventory.problem(path, "no Name: header")
                continue
            }
            guard let version = fields?["Version"], !version.isEmpty else {
                inventory.problem(path, "no Version: header")
                continue
            }
            let name = normalisedName(rawName)
            inventory.add(Package(ecosystem: .python, name: name, version: version, source: path))

            let owner = PackageOwner(ecosystem: .python, name: name)
            guard let infoFolder = PathParts(path).folder.map(String.init) else { continue }
            // The metadata folder is the distribution's own, whether or not a RECORD lists its files.
            inventory.own(folder: infoFolder, by: owner)
            let recordPath = infoFolder + "/RECORD"
            guard infoFolder.hasSuffix(".dist-info"), let record = files[recordPath] else { continue }
            readRecord(record, path: recordPath, infoFolder: infoFolder, owner: owner, into: &inventory)
        }
    }

    /// PEP 503: lowercase, and every run of `-`, `_` and `.` becomes one `-`.
    static func normalisedName(_ name: String) -> String {
        var result = ""
        var inSeparatorRun = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !inSeparatorRun { result.append("-") }
                inSeparatorRun = true
            } else {
                result.append(character)
                inSeparatorRun = false
            }
        }
        return result
    }

    /// RECORD is CSV (`path,hash,size`); a relative path is relative to the folder that holds the
    /// `.dist-info`, i.e. the site-packages folder, and may climb out of it (`../../../bin/tool`).
    private static func readRecord(
        _ data: Data, path: String, infoFolder: String, owner: PackageOwner, into inventory: inout InventoryBuilder
    ) {
        guard !data.containsNUL else {
            inventory.problem(path, DatabaseText.TextError.binary.description)
            return
        }
        let sitePackages = PathParts(infoFolder).folder.map(String.init) ?? "/"
        let rows: [[String]]
        do {
            rows = try CSVRows.parse(data)
        } catch {
            inventory.problem(path, error.description)
            return
        }
        for row in rows {
            guard let file = row.first, !file.isEmpty else { continue }
            inventory.own(file: PathParts.resolve(file, in: sitePackages), by: owner)
        }
    }
}

/// A CSV reader for the dialect python's `csv` module writes: comma separated, fields optionally in
/// double quotes with `""` for a quote, rows ending in `\n` or `\r\n` outside quotes.
enum CSVRows {
    /// Why a CSV text could not be read.
    enum ParseError: Error, CustomStringConvertible {
        /// A quoted field opened on this row never closes.
        case unterminatedQuote(row: Int)

        var description: String {
            switch self {
            case .unterminatedQuote(let row): return "row \(row): quoted field is never closed"
            }
        }
    }

    static func parse(_ data: Data) throws(ParseError) -> [[String]] {
        let result: Result<[[String]], ParseError> = data.withUnsafeBytes { parse(bytes: $0) }
        return try result.get()
    }

    private static func parse(bytes: UnsafeRawBufferPointer) -> Result<[[String]], ParseError> {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"),
            carriageReturn = UInt8(ascii: "\r")
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var fieldStarted = false
        var rowNumber = 1

        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldStarted = false
        }
        func endRow() {
            endField()
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row.removeAll(keepingCapacity: true)
            rowNumber += 1
        }

        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            i += 1
            if inQuotes {
                if byte == quote {
                    if i < count && bytes[i] == quote {
                        field.append(quote)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case quote where !fieldStarted:
                inQuotes = true
                fieldStarted = true
            case comma:
                endField()
            case newline:
                endRow()
            case carriageReturn:
                if i < count && bytes[i] == newline { i += 1 }
                endRow()
            default:
                field.append(byte)
                fieldStarted = true
            }
        }
        if inQuotes { return .failure(.unterminatedQuote(row: rowNumber)) }
        if fieldStarted || !field.isEmpty || !row.isEmpty { endRow() }
        return .success(rows)
    }
}
