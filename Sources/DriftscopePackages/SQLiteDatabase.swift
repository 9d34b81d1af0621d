import CSQLite
import Foundation

/// A SQLite connection, closed when the value goes away. This module is the only one that imports
/// CSQLite; the rest of driftscope never sees a SQLite handle.
final class SQLiteDatabase {
    /// A failed SQLite call, carrying SQLite's own message.
    struct Failure: Error, CustomStringConvertible {
        /// SQLite's result code.
        var code: Int32
        /// `sqlite3_errmsg` at the time of the failure.
        var message: String

        var description: String { message }
    }

    /// A value to bind or read.
    enum Value: Equatable {
        case null
        case integer(Int64)
        case text(String)
        case blob([UInt8])
    }

    private let handle: OpaquePointer

    // The flag macros are plain integer defines in sqlite3.h, but spelled out here so that a header
    // that wraps them in casts cannot break the build.
    private static let deserializeFreeOnClose: UInt32 = 1
    private static let deserializeReadOnly: UInt32 = 4
    private static let serializeHeaderOffsetOfWriteVersion = 18

    /// Opens (creating if needed) a database file. Used by tests to build fixtures.
    init(path: String) throws(Failure) {
        handle = try Self.open(path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
    }

    /// Opens a read-only in-memory copy of a serialized database, never touching the disk.
    ///
    /// A database left in WAL mode says so in header bytes 18 and 19; an in-memory database cannot use
    /// a WAL, so the copy is marked as a rollback-journal database, which reads the same main file.
    /// Anything still only in a `-wal` file beside it is not seen, as it would not be by a copy of the
    /// main file alone.
    init(deserializing data: Data) throws(Failure) {
        let connection = try Self.open(":memory:", flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let size = data.count
        guard let buffer = sqlite3_malloc64(UInt64(max(size, 1)))?.assumingMemoryBound(to: UInt8.self) else {
            sqlite3_close_v2(connection)
            throw Failure(code: SQLITE_NOMEM, message: "out of memory copying \(size) bytes")
        }
        data.copyBytes(to: buffer, count: size)
        let offset = Self.serializeHeaderOffsetOfWriteVersion
        if size >= 100, buffer[offset] == 2, buffer[offset + 1] == 2 {
            buffer[offset] = 1
            buffer[offset + 1] = 1
        }
        // With FREEONCLOSE SQLite owns the buffer from here on, even when the call fails.
        let code = sqlite3_deserialize(
            connection, "main", buffer, Int64(size), Int64(size),
            Self.deserializeFreeOnClose | Self.deserializeReadOnly)
        guard code == SQLITE_OK else {
            let failure = Failure(code: code, message: String(cString: sqlite3_errmsg(connection)))
            sqlite3_close_v2(connection)
            throw failure
        }
        handle = connection
        // The file is untrusted input: never run functions named by its schema (views, triggers).
        try? execute("PRAGMA trusted_schema = OFF")
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    private static func open(_ path: String, flags: Int32) throws(Failure) -> OpaquePointer {
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite3_close_v2(connection)
            throw Failure(code: code, message: message)
        }
        return connection
    }

    /// Runs SQL that returns no rows (several statements allowed).
    func execute(_ sql: String) throws(Failure) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw failure(code) }
    }

    /// Runs one statement with `values` bound to its `?` parameters, calling `row` for each result row.
    func run(_ sql: String, _ values: [Value] = [], row: ([Value]) throws(Failure) -> Void = { _ in }) throws(Failure) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw failure(code) }
        defer { sqlite3_finalize(statement) }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let bound: Int32
            switch value {
            case .null:
                bound = sqlite3_bind_null(statement, position)
            case .integer(let number):
                bound = sqlite3_bind_int64(statement, position, number)
            case .text(let text):
                bound = sqlite3_bind_text(statement, position, text, -1, Self.transient)
            case .blob(let bytes) where bytes.isEmpty:
                bound = sqlite3_bind_zeroblob(statement, position, 0)
            case .blob(let bytes):
                bound = bytes.withUnsafeBytes {
                    sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), Self.transient)
                }
            }
            guard bound == SQLITE_OK else { throw failure(bound) }
        }
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { throw failure(step) }
            try row(columns(of: statement))
        }
    }

    /// SQLITE_TRANSIENT, a macro Swift cannot import: SQLite copies the bound bytes before returning.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self)
    }

    /// The database as bytes, the way it would be written to disk. Used by tests to build fixtures.
    func serialize() throws(Failure) -> Data {
        var size: Int64 = 0
        guard let bytes = sqlite3_serialize(handle, "main", &size, 0) else { throw failure(SQLITE_NOMEM) }
        defer { sqlite3_free(bytes) }
        return Data(bytes: bytes, count: Int(size))
    }

    private func columns(of statement: OpaquePointer) -> [Value] {
        (0..<sqlite3_column_count(statement)).map { column in
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER:
                return .integer(sqlite3_column_int64(statement, column))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(statement, column))
                guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
            case SQLITE_TEXT:
                guard let pointer = sqlite3_column_text(statement, column) else { return .text("") }
                let count = Int(sqlite3_column_bytes(statement, column))
                return .text(String(decoding: UnsafeRawBufferPointer(start: pointer, count: count), as: UTF8.self))
            default:
                return .null
            }
        }
    }

    private func failure(_ code: Int32) -> Failure {
        Failure(code: code, message: String(cString: sqlite3_errmsg(handle)))
    }
}
