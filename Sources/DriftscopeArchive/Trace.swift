import CArchive
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Phase timings for performance work: with `DRIFTSCOPE_TRACE=1` in the environment, each `mark`
/// writes one line to standard error with the wall time since start, the CPU time used, and the
/// resident and peak resident memory. Silent (and nearly free) otherwise.
public enum Trace {
    /// Whether tracing is on (read once).
    public static let enabled: Bool = {
        guard let value = ProcessInfo.processInfo.environment["DRIFTSCOPE_TRACE"] else { return false }
        return !value.isEmpty && value != "0"
    }()

    private static let start = Date()

    /// Writes one trace line naming the phase just finished.
    public static func mark(_ phase: @autoclosure () -> String) {
        guard enabled else { return }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let (rss, peak) = memory()
        var heap = 0.0
        #if os(Linux)
        let info = mallinfo2()
        heap = Double(info.uordblks + info.hblkhd) / 1_048_576
        #endif
        let line = String(format: "trace %7.3f s wall %7.3f s cpu %6.1f MiB rss %6.1f MiB peak %6.1f MiB allocated  ",
                          Date().timeIntervalSince(start), cpu, rss, peak, heap) + phase() + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Current and peak resident set size in MiB, from /proc/self/status (0 where it is absent).
    public static func memory() -> (current: Double, peak: Double) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }
}
