import Foundation
import Testing
@testable import DriftscopePackages

@Suite struct PathResolveTests {
    static let folders = ["/", "/usr/lib/python3/site-packages", "/a", "/a/", "/a//b", "/a/./b", "/a/../b", "/...", "/a/.b", "/.."]
    static let relatives = ["m.py", "pkg/m.py", "../../bin/tool", "./m.py", "pkg//m.py", "/abs/x", "pkg/", ".", "..", "...",
                            "a/.hidden", "a/..b", "a/b/..", "", "é/名前.py", "pkg/./x", ".x/y"]

    @Test("the plain join gives what resolving component by component gives", arguments: folders)
    func plainJoinAgrees(folder: String) {
        for relative in Self.relatives {
            #expect(PathParts.resolve(relative, in: folder) == PathParts.resolveComponents(relative, in: folder), "\(relative) in \(folder)")
        }
    }

    @Test("plain paths", arguments: [("a", true), ("a/b", true), ("...", true), (".a/b.", true), ("", false), ("/a", false),
                                     ("a/", false), ("a//b", false), (".", false), ("a/..", false), ("./a", false)])
    func plain(path: String, expected: Bool) {
        #expect(PathParts.isPlain(path) == expected)
    }
}
