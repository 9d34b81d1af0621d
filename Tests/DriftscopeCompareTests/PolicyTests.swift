import DriftscopeCompare
import DriftscopeTestSupport
import Foundation
import Testing

@Suite("Policy files and globs")
struct PolicyTests {
    @Test("globs", arguments: [
        ("/var/log/**", "/var/log", true), ("/var/log/**", "/var/log/apt/x.log", true), ("/var/log/**", "/var/logs", false),
        ("/etc/*.conf", "/etc/a.conf", true), ("/etc/*.conf", "/etc/sub/a.conf", false),
        ("**/__pycache__/*.pyc", "/usr/lib/x/__pycache__/m.pyc", true), ("**/*.pyc", "/m.pyc", true),
        ("/**/x.pyc", "/ax.pyc", false), ("/opt/[ab]?", "/opt/bz", true), ("/opt/[!ab]?", "/opt/bz", false),
        ("etc/hosts", "/etc/hosts", true),
    ])
    func glob(_ c: (String, String, Bool)) {
        #expect(Glob(c.0).matches(c.1) == c.2, "\(c.0) vs \(c.1)")
    }

    @Test("noise globs, drift globs over noise rules, turned-off rules and ignored labels")
    func policy() async throws {
        let policy = try Policy.parse("""
            noise:
              - path: /opt/app/build-id
                reason: our build writes a random id
            drift:
              - path: /var/log/audit/**
                reason: audit logs must never differ
            ignoreLabels: [com.example.build]
            disable: [timestamps]
            """)
        var options = quietOptions()
        options.policy = policy
        let a = FixtureImage(layers: [FixtureLayer([.file("opt/app/build-id", "1"), .file("var/log/audit/a.log", "x"), .file("etc/t", "t", mtime: 1)])],
                             labels: ["com.example.build": "1"])
        let b = FixtureImage(layers: [FixtureLayer([.file("opt/app/build-id", "2"), .file("var/log/audit/a.log", "y"), .file("etc/t", "t", mtime: 2)])],
                             labels: ["com.example.build": "2"])
        let c = try await compare(a, b, options: options)
        let id = try #require(c.at("/opt/app/build-id").first)
        #expect(id.classification == .noise && id.rule == "policy-noise" && id.explanation.contains("random id"))
        let audit = try #require(c.at("/var/log/audit/a.log").first)
        #expect(audit.classification == .drift && audit.rule == "policy-drift" && audit.explanation.contains("audit logs"))
        let t = try #require(c.at("/etc/t").first)
        #expect(t.classification == .drift, "timestamps is turned off")
        #expect(c.config.first { $0.field == "Labels.com.example.build" }?.classification == .noise)
        #expect(c.verdict == .drift)
    }

    @Test("a policy with an unknown key or rule is refused with a message", arguments: [
        "nois: []", "disable: [no-such-rule]", "disable: [content-changed]",
    ])
    func invalid(_ yaml: String) {
        #expect(throws: Policy.LoadError.self) { try Policy.parse(yaml) }
    }
}
