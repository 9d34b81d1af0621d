@testable import DriftscopeImage
import Testing

/// The rule as the OCI image spec states it, written the slow way: a path is hidden when it is a
/// deleted path, lies below a deleted path or below an opaque folder.
private func reference(_ whiteouts: [Whiteout], _ path: String) -> Bool {
    for w in whiteouts {
        if w.opaque && w.path == "/" && path != "/" { return true }
        if !w.opaque && path == w.path { return true }
        if w.path != "/" && path.hasPrefix(w.path + "/") { return true }
    }
    return false
}

@Suite("Whiteout matching without allocation")
struct WhiteoutMatcherTests {
    private let paths = [
        "/", "/var", "/var/cache", "/var/cache/a", "/var/cache/sub/b", "/var/cache-sibling", "/var/cache-sibling/x",
        "/var/lib", "/var/lib/c", "/var/libx", "/usr/share/doc/ü/é", "/usr/share/doc/ü", "/usr/share/docs",
        "/opt/app/.hidden", "/opt/app", "/opt/apps/b", "/a", "/a/b/c/d/e/f/g/h",
    ]

    private func whiteout(_ path: String, opaque: Bool) -> Whiteout {
        Whiteout(path: path, opaque: opaque, rawName: path)
    }

    @Test("agrees with the rule on deletions, opaque folders, look-alike siblings and non-ASCII names")
    func agreesWithReference() {
        let sets: [[Whiteout]] = [
            [whiteout("/var/cache", opaque: false)],
            [whiteout("/var/lib", opaque: true), whiteout("/var/cache/a", opaque: false)],
            [whiteout("/usr/share/doc/ü", opaque: false), whiteout("/opt/app", opaque: true)],
            [whiteout("/a", opaque: false), whiteout("/var/cache-sibling", opaque: true)],
            [whiteout("/", opaque: true)],
            [whiteout("/a/b/c/d/e/f/g/h", opaque: false), whiteout("/a/b", opaque: true)],
        ]
        for whiteouts in sets {
            let matcher = WhiteoutMatcher(whiteouts)
            for path in paths {
                #expect(matcher.hides(path) == reference(whiteouts, path), "\(whiteouts.map(\.path)) on \(path)")
            }
        }
    }

    @Test("an opaque folder keeps itself; a deleted one goes with its content")
    func opaqueKeepsItself() {
        let opaque = WhiteoutMatcher([whiteout("/var/lib", opaque: true)])
        #expect(!opaque.hides("/var/lib"))
        #expect(opaque.hides("/var/lib/c"))
        #expect(!opaque.hides("/var/libx"))
        let deleted = WhiteoutMatcher([whiteout("/var/lib", opaque: false)])
        #expect(deleted.hides("/var/lib"))
        #expect(deleted.hides("/var/lib/c"))
        #expect(!deleted.hides("/var/li"))
    }
}
