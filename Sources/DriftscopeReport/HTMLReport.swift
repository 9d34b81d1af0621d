import DriftscopeCompare
import Foundation

// Interim: the reports helper replaces this with the full self-contained report.
public enum HTMLReport {
    public static func render(_ c: Comparison) -> String {
        "<!doctype html><meta charset=utf-8><title>driftscope</title><h1>\(Escape.html(c.verdict.rawValue))</h1><p>\(Escape.html(c.reason))</p>\n"
    }
}
