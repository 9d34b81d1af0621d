import Foundation

/// A minimal PEP 552 `.pyc`: the CPython 3.11 magic, flags 0 (timestamp-based), the source's
/// mtime and size, then `body` standing in for the marshalled code object.
public func pyc(mtime: UInt32, size: UInt32, body: String) -> Data {
    var d = Data([0xa7, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0])
    withUnsafeBytes(of: mtime.littleEndian) { d.append(contentsOf: $0) }
    withUnsafeBytes(of: size.littleEndian) { d.append(contentsOf: $0) }
    d.append(Data(body.utf8))
    return d
}
