/// An RPM header blob as rpm stores it in its database (rpm's `hdrblob`): big-endian `int32` index
/// count and data size, that many 16-byte index entries (tag, type, offset, count), then the data
/// store. Every offset and count is checked against the blob before any byte is read.
struct RpmHeader {
    /// Tags driftscope reads (rpm's `rpmtag.h`).
    enum Tag: Int32 {
        case name = 1000
        case version = 1001
        case release = 1002
        case epoch = 1003
        case arch = 1022
        case oldFileNames = 1027
        case dirIndexes = 1116
        case baseNames = 1117
        case dirNames = 1118
    }

    /// Entry data types (rpm's `rpmTagType`).
    enum DataType: UInt32 {
        case null = 0, char, int8, int16, int32, int64, string, binary, stringArray, i18nString
    }

    /// Why a header blob cannot be read.
    enum ParseError: Error, Equatable, CustomStringConvertible {
        /// Fewer than the 8 bytes that hold the two counts.
        case tooShort(size: Int)
        /// An index count of zero or above rpm's own limit (0xffff).
        case badIndexCount(Int64)
        /// A data size above rpm's own limit (256 MiB).
        case badDataSize(Int64)
        /// The counts promise more bytes than the blob has.
        case truncated(needed: Int, size: Int)
        /// An entry's data lies outside the data store.
        case outOfBounds(tag: Int32)
        /// An entry has a type other than the one its tag needs.
        case wrongType(tag: Int32, type: UInt32)
        /// A string runs to the end of the data store without its NUL terminator.
        case unterminatedString(tag: Int32)

        var description: String {
            switch self {
            case .tooShort(let size): return "header blob is \(size) bytes, too short for its counts"
            case .badIndexCount(let count): return "header index count \(count) is out of range"
            case .badDataSize(let size): return "header data size \(size) is out of range"
            case .truncated(let needed, let size): return "header blob is truncated (\(size) of \(needed) bytes)"
            case .outOfBounds(let tag): return "tag \(tag) points outside the header data"
            case .wrongType(let tag, let type): return "tag \(tag) has unexpected type \(type)"
            case .unterminatedString(let tag): return "tag \(tag) holds an unterminated string"
            }
        }
    }

    private struct Entry {
        var type: UInt32
        var offset: Int
        var count: Int
    }

    private let bytes: [UInt8]
    private let dataStart: Int
    private let dataEnd: Int
    /// The first entry for each tag, as rpm's own lookup returns.
    private let entries: [Int32: Entry]

    init(blob: [UInt8]) throws(ParseError) {
        guard blob.count >= 8 else { throw .tooShort(size: blob.count) }
        let indexCount = Int64(Self.uint32(blob, at: 0)), dataSize = Int64(Self.uint32(blob, at: 4))
        guard indexCount >= 1, indexCount <= 0xFFFF else { throw .badIndexCount(indexCount) }
        guard dataSize <= 0x0FFF_FFFF else { throw .badDataSize(dataSize) }
        let needed = 8 + Int(indexCount) * 16 + Int(dataSize)
        guard blob.count >= needed else { throw .truncated(needed: needed, size: blob.count) }
        bytes = blob
        dataStart = 8 + Int(indexCount) * 16
        dataEnd = needed
        var entries: [Int32: Entry] = [:]
        for index in 0..<Int(indexCount) {
            let base = 8 + index * 16
            let tag = Int32(bitPattern: Self.uint32(blob, at: base))
            let offset = Int32(bitPattern: Self.uint32(blob, at: base + 8))
            let count = Self.uint32(blob, at: base + 12)
            guard entries[tag] == nil else { continue }
            // Bounds are checked when an entry is read, so unknown tags with odd data do not matter.
            entries[tag] = Entry(type: Self.uint32(blob, at: base + 4), offset: Int(offset), count: Int(count))
        }
        self.entries = entries
    }

    /// A STRING (or the first I18NSTRING) value; `nil` when the tag is absent.
    func string(_ tag: Tag) throws(ParseError) -> String? {
        guard let entry = entries[tag.rawValue] else { return nil }
        guard entry.type == DataType.string.rawValue || entry.type == DataType.i18nString.rawValue else {
            throw .wrongType(tag: tag.rawValue, type: entry.type)
        }
        guard entry.count >= 1 else { throw .outOfBounds(tag: tag.rawValue) }
        var position = try start(of: entry, tag: tag)
        return try nextString(from: &position, tag: tag)
    }

    /// A STRING_ARRAY value; `nil` when the tag is absent.
    func strings(_ tag: Tag) throws(ParseError) -> [String]? {
        guard let entry = entries[tag.rawValue] else { return nil }
        guard entry.type == DataType.stringArray.rawValue else { throw .wrongType(tag: tag.rawValue, type: entry.type) }
        var position = try start(of: entry, tag: tag)
        // Each string takes at least its terminator, which bounds the count before any allocation.
        guard entry.count <= dataEnd - position else { throw .outOfBounds(tag: tag.rawValue) }
        var result: [String] = []
        result.reserveCapacity(entry.count)
        for _ in 0..<entry.count { result.append(try nextString(from: &position, tag: tag)) }
        return result
    }

    /// An INT32 array value; `nil` when the tag is absent.
    func int32s(_ tag: Tag) throws(ParseError) -> [Int32]? {
        guard let entry = entries[tag.rawValue] else { return nil }
        guard entry.type == DataType.int32.rawValue else { throw .wrongType(tag: tag.rawValue, type: entry.type) }
        let position = try start(of: entry, tag: tag)
        guard entry.count <= (dataEnd - position) / 4 else { throw .outOfBounds(tag: tag.rawValue) }
        return (0..<entry.count).map { Int32(bitPattern: Self.uint32(bytes, at: position + $0 * 4)) }
    }

    private func start(of entry: Entry, tag: Tag) throws(ParseError) -> Int {
        guard entry.offset >= 0, entry.offset < dataEnd - dataStart else { throw .outOfBounds(tag: tag.rawValue) }
        return dataStart + entry.offset
    }

    private func nextString(from position: inout Int, tag: Tag) throws(ParseError) -> String {
        guard let end = bytes[position..<dataEnd].firstIndex(of: 0) else { throw .unterminatedString(tag: tag.rawValue) }
        let value = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end + 1
        return value
    }

    private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
