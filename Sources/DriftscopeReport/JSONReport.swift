import DriftscopeCompare
import Foundation

/// The JSON contract (`schemaVersion` 1): stable field names, only ever added to.
public enum JSONReport {
    /// Pretty, key-sorted JSON of any report value.
    public static func render<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
