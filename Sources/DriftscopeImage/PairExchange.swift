import DriftscopeArchive
import Foundation

/// Lets the walks of the two layers at one position of two images keep, as they stream, the
/// contents of the files that differ between them, so that no second pass over the layers is
/// needed to classify or diff those files.
///
/// The side that reaches a path first leaves its digest (and its content, while a byte budget
/// allows); the side that reaches it second compares digests and, when they differ, both contents
/// are kept. Whatever is not caught here (layers that do not line up, files beyond the budgets or
/// the size limit) is read again in the targeted second pass, exactly as before.
public final class PairExchange: @unchecked Sendable {
    // All state is behind `lock`: the two walks run on different threads.
    private let lock = NSLock()
    /// The most bytes held for files the other side has not reached yet.
    public let pendingBudget: Int
    /// The most bytes kept for files that differ.
    public let keptBudget: Int
    /// The largest file whose content is exchanged.
    public let fileLimit: Int64

    private struct Key: Hashable {
        var position: Int
        var path: String
    }
    private struct Pending {
        var side: Int
        var digest: Digest
        var content: Data?
    }
    private var pending: [Key: Pending] = [:]
    private var pendingBytes = 0
    private var kept: [Key: (Data?, Data?)] = [:]
    private var keptBytes = 0

    public init(pendingBudget: Int = 32 << 20, keptBudget: Int = 64 << 20, fileLimit: Int64 = 4 << 20) {
        self.pendingBudget = pendingBudget
        self.keptBudget = keptBudget
        self.fileLimit = fileLimit
    }

    /// What a walk should do with the bytes of a file while it hashes them.
    public enum Claim: Sendable {
        /// Keep nothing: the file is too large, the budget is spent, or the other side holds no
        /// bytes to pair them with (the second pass reads such files if they differ).
        case none
        /// The other side has not reached the file: collect its bytes, the other side may differ.
        case collect
        /// The other side's bytes: compare while streaming, and collect only from where they differ.
        case compare(Data)
    }

    /// What the walk of `side` should do with the bytes of a file (see `Claim`).
    public func claim(side: Int, position: Int, path: String, size: Int64) -> Claim {
        guard size <= fileLimit else { return .none }
        return lock.withLock {
            if let other = pending[Key(position: position, path: path)], other.side != side {
                return other.content.map(Claim.compare) ?? .none
            }
            return pendingBytes + Int(size) <= pendingBudget ? .collect : .none
        }
    }

    /// Whether the walk of `side` should keep the bytes of this file while hashing it.
    public func wantsContent(side: Int, position: Int, path: String, size: Int64) -> Bool {
        guard size <= fileLimit else { return false }
        return lock.withLock {
            if let other = pending[Key(position: position, path: path)], other.side != side { return true }
            return pendingBytes + Int(size) <= pendingBudget
        }
    }

    /// Records a file seen by `side` (0 for A, 1 for B) with its digest and, when kept, its bytes
    /// (copied only when they are held: most files match the other side's digest and are not).
    public func offer(side: Int, position: Int, path: String, digest: Digest, content bytes: UnsafeRawBufferPointer?) {
        offer(side: side, position: position, path: path, digest: digest, data: bytes.map { Data($0) })
    }

    /// Records a file seen by `side` with its digest and, when collected, its bytes (held as they
    /// are, without a copy, while the budgets allow).
    public func offer(side: Int, position: Int, path: String, digest: Digest, data: Data?) {
        let key = Key(position: position, path: path)
        lock.withLock {
            if let other = pending[key], other.side != side {
                pending.removeValue(forKey: key)
                pendingBytes -= other.content?.count ?? 0
                guard other.digest != digest else { return }
                let size = (other.content?.count ?? 0) + (data?.count ?? 0)
                let room = keptBytes + size <= keptBudget
                let mine = room ? data : nil
                if room { keptBytes += size }
                kept[key] = side == 0 ? (mine, room ? other.content : nil) : (room ? other.content : nil, mine)
                return
            }
            // First to arrive (or a later duplicate of the path in the same layer: it replaces).
            if let earlier = pending.removeValue(forKey: key) { pendingBytes -= earlier.content?.count ?? 0 }
            var held: Data?
            if let data, pendingBytes + data.count <= pendingBudget { held = data }
            pendingBytes += held?.count ?? 0
            pending[key] = Pending(side: side, digest: digest, content: held)
        }
    }

    /// The two versions of a file that differed at `position`, when both were kept.
    public func contents(position: Int, path: String) -> (a: Data, b: Data)? {
        lock.withLock {
            guard let pair = kept[Key(position: position, path: path)], let a = pair.0, let b = pair.1 else { return nil }
            return (a, b)
        }
    }

    /// Drops what is held for files only one side has: call when both walks are done.
    public func finishWalks() {
        lock.withLock {
            pending.removeAll()
            pendingBytes = 0
        }
    }
}

/// Which side and position a layer walk plays in a pair exchange.
public struct Pairing: Sendable {
    /// The exchange shared by the two walks.
    public var exchange: PairExchange
    /// 0 for image A, 1 for image B.
    public var side: Int
    /// The layer's position in its manifest.
    public var position: Int

    public init(exchange: PairExchange, side: Int, position: Int) {
        self.exchange = exchange
        self.side = side
        self.position = position
    }
}
