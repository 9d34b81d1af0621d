import Testing
@testable import DriftscopeLint

/// Image reference parsing and build-argument expansion.
@Suite struct ImageReferenceTests {
    @Test(arguments: [
        ("debian", "debian", nil, nil),
        ("debian:12", "debian", "12", nil),
        ("localhost:5000/app", "localhost:5000/app", nil, nil),
        ("localhost:5000/app:1@sha256:x", "localhost:5000/app", "1", "sha256:x"),
        ("ghcr.io/o/r@sha256:x", "ghcr.io/o/r", nil, "sha256:x"),
    ] as [(String, String, String?, String?)])
    func imageReferences(_ text: String, _ name: String, _ tag: String?, _ digest: String?) {
        let reference = ImageReference(text)
        #expect(reference.name == name)
        #expect(reference.tag == tag)
        #expect(reference.digest == digest)
    }

    @Test(arguments: [
        ("$A", "1", [String]()),
        ("${A}-${B:-two}", "1-two", []),
        ("${EMPTY:-x}${EMPTY-y}", "x", []),
        ("${A:+set}${NOPE:+set}", "set", []),
        ("$NOPE/${UNSET}", "/", ["NOPE", "UNSET"]),
        ("price $ 5", "price $ 5", []),
    ])
    func buildArgumentExpansion(_ text: String, _ expanded: String, _ unresolved: [String]) {
        var arguments = BuildArguments()
        arguments.declare("A", default: "1")
        arguments.declare("EMPTY", default: "")
        arguments.declare("UNSET", default: nil)
        let expansion = arguments.expand(text)
        #expect(expansion.text == expanded)
        #expect(expansion.unresolved == unresolved)
    }
}
