import Foundation

/// A path glob: `*` matches within one path component, `**` across components (a `/**` suffix
/// matches the directory itself too), `?` one character, `[...]` a character class.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let tokens: [Token]

    private enum Token: Sendable, Hashable {
        case literal(Character)
        case any          // ?
        case star         // *
        case globstar     // **
        case globstarSlash // **/ : nothing, or anything ending in "/"
        case set(negated: Bool, members: [ClosedRange<Character>])
    }

    /// Compiles a pattern; patterns not starting with `/` are anchored at the root anyway.
    public init(_ pattern: String) {
        self.pattern = pattern
        var p = pattern.hasPrefix("/") ? pattern : "/" + pattern
        if p.hasSuffix("/**") {
            // "/var/log/**" matches "/var/log" itself and everything below.
            p = String(p.dropLast(3)) + "\u{0}**"
        }
        var tokens: [Token] = []
        let chars = Array(p)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*":
                if i + 1 < chars.count && chars[i + 1] == "*" {
                    if i + 2 < chars.count && chars[i + 2] == "/" {
                        tokens.append(.globstarSlash)
                        i += 3
                    } else {
                        tokens.append(.globstar)
                        i += 2
                    }
                    continue
                }
                tokens.append(.star)
            case "?": tokens.append(.any)
            case "[":
                if let close = chars[(i + 1)...].firstIndex(of: "]"), close > i + 1 {
                    var body = Array(chars[(i + 1)..<close])
                    let negated = body.first == "!" || body.first == "^"
                    if negated { body.removeFirst() }
                    var members: [ClosedRange<Character>] = []
                    var j = 0
                    while j < body.count {
                        if j + 2 < body.count && body[j + 1] == "-" {
                            members.append(body[j]...max(body[j], body[j + 2]))
                            j += 3
                        } else {
                            members.append(body[j]...body[j])
                            j += 1
                        }
                    }
                    tokens.append(.set(negated: negated, members: members))
                    i = close
                } else {
                    tokens.append(.literal("["))
                }
            default: tokens.append(.literal(c))
            }
            i += 1
        }
        self.tokens = tokens
    }

    public var description: String { pattern }

    /// Whether an absolute image path matches.
    public func matches(_ path: String) -> Bool {
        Glob.match(tokens[...], Array(path)[...])
    }

    private static func match(_ t: ArraySlice<Token>, _ s: ArraySlice<Character>) -> Bool {
        guard let first = t.first else { return s.isEmpty }
        let rest = t.dropFirst()
        switch first {
        case .literal("\u{0}"):
            // Optional "/" before a trailing globstar: "/a/**" matches "/a" and "/a/...".
            if s.isEmpty { return rest.allSatisfy { $0 == .globstar } }
            guard s.first == "/" else { return false }
            return match(rest, s.dropFirst())
        case .globstarSlash:
            if match(rest, s) { return true }
            var i = s.startIndex
            while i < s.endIndex {
                if s[i] == "/" && match(rest, s[s.index(after: i)...]) { return true }
                i = s.index(after: i)
            }
            return false
        case .literal(let c):
            return s.first == c && match(rest, s.dropFirst())
        case .any:
            return !s.isEmpty && s.first != "/" && match(rest, s.dropFirst())
        case .set(let negated, let members):
            guard let c = s.first, c != "/" else { return false }
            let inSet = members.contains { $0.contains(c) }
            return inSet != negated && match(rest, s.dropFirst())
        case .star:
            var i = s.startIndex
            while true {
                if match(rest, s[i...]) { return true }
                if i == s.endIndex || s[i] == "/" { return false }
                i = s.index(after: i)
            }
        case .globstar:
            var i = s.startIndex
            while true {
                if match(rest, s[i...]) { return true }
                if i == s.endIndex { return false }
                i = s.index(after: i)
            }
        }
    }
}
