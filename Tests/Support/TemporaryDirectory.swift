import Foundation

/// A private (0700) directory under `NSTemporaryDirectory()`, removed with everything in it when
/// the object goes away. Keep the object alive for as long as the files are needed.
public final class TemporaryDirectory {
    /// The directory.
    public let url: URL

    /// Creates a fresh directory named `driftscope-<prefix>.XXXXXX`.
    public init(prefix: String = "test") throws {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("driftscope-\(prefix).XXXXXX")
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: template])
        }
        // mkdtemp creates the directory with mode 0700.
        url = URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A path inside the directory.
    public func path(_ component: String) -> URL { url.appendingPathComponent(component) }
}
