import Foundation

/// Making strings that came from an image safe to print.
///
/// Every string a report shows that came from an image (paths, link targets, package names, config
/// values, file contents, diff lines) goes through one of these before it reaches a terminal or a page.
public enum Escape {
    /// For a terminal: control characters (C0, DEL, C1), including ESC and newlines, shown as
    /// `\n`, `\t`, `\e`, `\xNN` or `\u{NNNN}`, so that nothing from an image drives the terminal;
    /// a backslash is doubled so the rendering is unambiguous.
    public static func terminal(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x1B: out += "\\e"
            case 0x00..<0x20, 0x7F: out += String(format: "\\x%02X", scalar.value)
            case _ where isInvisibleControl(scalar.value):
                out += String(format: "\\u{%04X}", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// For HTML text and attribute values (quoted with `"` or `'`): `& < > " '` become entities;
    /// control characters other than newline and tab, and the invisible characters that reorder or
    /// hide text (bidi overrides, line separators), are shown as `\xNN` or `\u{NNNN}`.
    public static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                let v = scalar.value
                if (v < 0x20 && scalar != "\n" && scalar != "\t") || v == 0x7F || (0x80..<0xA0).contains(v) {
                    out += String(format: "\\x%02X", v)
                } else if isInvisibleControl(v) {
                    out += String(format: "\\u{%04X}", v)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// C1 controls, line and paragraph separators and bidi controls: they can reorder or hide text
    /// ("Trojan Source"), so a reader must see them, not their effect.
    static func isInvisibleControl(_ v: UInt32) -> Bool {
        switch v {
        case 0x80..<0xA0, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
