import CArchive
import Foundation

/// Process-wide allocator settings for the command-line tool.
public enum Allocator {
    /// The walks allocate and free a buffer per file whose bytes the pair exchange holds (up to the
    /// 4 MiB file limit). Above glibc's mmap threshold each would be a fresh mapping, paid for in
    /// page faults (measured: 0.3 s of system time on the 1.2 GiB bench pair); below it they reuse
    /// heap memory. A fixed 8 MiB threshold keeps them on the heap (glibc would otherwise move the
    /// threshold as it pleases), one arena per core bounds the heaps, and `releaseFreeMemory` after
    /// each layer returns what the heaps hold free. Call once, first.
    public static func tuneForLargeImages() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 8 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 4 << 20)
        _ = mallopt(M_ARENA_MAX, Int32(max(2, min(8, ProcessInfo.processInfo.activeProcessorCount))))
        #endif
    }

    /// Hands the free pages inside the heaps back to the system (after a layer's walk, whose
    /// transient buffers would otherwise stay resident between the live data).
    public static func releaseFreeMemory() {
        #if os(Linux)
        _ = malloc_trim(0)
        #endif
    }
}
