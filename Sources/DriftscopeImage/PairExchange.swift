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
    // All state is behind `lock`: the two walks run on different threads. A walk waits on it
    // (at its end only) for files the other walk settles for it.
    private let lock = NSCondition()
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
        var body: Digest? = nil
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
        /// The other side's bytes, their SHA-256 and (for `.pyc` files) their body digest: compare
        /// while streaming, and collect only from where they differ. Bytes equal to the end have
        /// the same digests, which need not be computed.
        case compare(Data, Digest, body: Digest?)
    }

    /// What the walk of `side` should do with the bytes of a file (see `Claim`).
    public func claim(side: Int, position: Int, path: String, size: Int64) -> Claim {
        guard size <= fileLimit else { return .none }
        return lock.withLock {
            if let other = pending[Key(position: position, path: path)], other.side != side {
                if other.content == nil { counts.secondWithoutBytes += 1 } else { counts.compared += 1 }
                return other.content.map { Claim.compare($0, other.digest, body: other.body) } ?? .none
            }
            if pendingBytes + Int(size) <= pendingBudget { counts.collected += 1; return .collect }
            counts.overBudget += 1
            return .none
        }
    }

    /// How the claims went (for the trace).
    public struct Counts: Sendable, CustomStringConvertible {
        public var collected = 0, compared = 0, secondWithoutBytes = 0, overBudget = 0, settledLater = 0
        public var description: String {
            "exchange: \(collected) collected (\(settledLater) left to the other side to hash), \(compared) compared, \(secondWithoutBytes) with nothing to compare, \(overBudget) over the pending budget"
        }
    }
    private var counts = Counts()
    /// How the claims went so far.
    public var claimCounts: Counts { lock.withLock { counts } }

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
    /// are, without a copy, while the budgets allow). Settles the other side's copy of the file
    /// when that side is waiting on this one (see `settle`).
    public func offer(side: Int, position: Int, path: String, digest: Digest, body: Digest? = nil, data: Data?) {
        let key = Key(position: position, path: path)
        let waiter: Waiter? = lock.withLock {
            if hashing[key] == side { hashing.removeValue(forKey: key) }
            guard let w = waiting[key], w.side != side else { return nil }
            waiting.removeValue(forKey: key)
            return w
        }
        if let waiter {
            // The other side collected the same file and left it to this one: equal bytes have this
            // digest; different bytes are hashed here, and both versions kept for the diff.
            let equal = data == waiter.data
            let theirs = equal ? digest : SHA256Hasher.hash(waiter.data)
            let theirBody = equal ? body : (path.hasSuffix(".pyc") ? Self.pycBody(waiter.data) : nil)
            lock.withLock {
                settled[Waiter.Slot(side: waiter.side, key: key)] = Settled(digest: theirs, body: theirBody)
                if !equal { keepPair(key, side: side, mine: data, theirs: waiter.data) }
                lock.broadcast()
            }
            return
        }
        lock.withLock {
            if let other = pending[key], other.side != side {
                pending.removeValue(forKey: key)
                pendingBytes -= other.content?.count ?? 0
                guard other.digest != digest else { return }
                keepPair(key, side: side, mine: data, theirs: other.content)
                return
            }
            // First to arrive (or a later duplicate of the path in the same layer: it replaces).
            if let earlier = pending.removeValue(forKey: key) { pendingBytes -= earlier.content?.count ?? 0 }
            var held: Data?
            if let data, pendingBytes + data.count <= pendingBudget { held = data }
            pendingBytes += held?.count ?? 0
            pending[key] = Pending(side: side, digest: digest, content: held, body: body)
        }
    }

    /// Keeps both versions of a file that differs, while the kept budget allows; else neither
    /// (the second pass reads them). Called with the lock held.
    private func keepPair(_ key: Key, side: Int, mine: Data?, theirs: Data?) {
        let size = (mine?.count ?? 0) + (theirs?.count ?? 0)
        guard keptBytes + size <= keptBudget else {
            kept[key] = (nil, nil)
            return
        }
        keptBytes += size
        kept[key] = side == 0 ? (mine, theirs) : (theirs, mine)
    }

    // MARK: files both walks collected at once

    /// What a walk that collected a file's bytes without hashing them should do (see `settle`).
    public enum Settlement: Sendable, Equatable {
        /// The other side's bytes are the same: they have these digests, and nothing is left to do.
        case digest(Digest, body: Digest?)
        /// Hash the bytes, then `offer` the digest (which settles the other side if it waits).
        case hash
        /// The other side is hashing its copy: it settles this one too. Collect the digest with
        /// `takeSettled` as the walk goes, and `awaitSettled` at its end.
        case deferred
    }

    private struct Waiter {
        var side: Int
        var data: Data
        struct Slot: Hashable {
            var side: Int
            var key: Key
        }
    }
    /// Files being hashed now, by the side hashing them.
    private var hashing: [Key: Int] = [:]
    /// Files whose bytes one side collected while the other hashed its copy.
    private var waiting: [Key: Waiter] = [:]
    /// The digests of a settled file (the body digest for `.pyc` files).
    public struct Settled: Sendable, Equatable {
        public var digest: Digest
        public var body: Digest?
        public init(digest: Digest, body: Digest? = nil) { self.digest = digest; self.body = body }
    }
    /// Digests found for waiting files.
    private var settled: [Waiter.Slot: Settled] = [:]

    /// Walks (side, position) that stopped early (an error): their partners must not wait for them.
    private struct Walk: Hashable {
        var side: Int
        var position: Int
    }
    private var abandoned: Set<Walk> = []

    /// SHA-256 of the bytes after the 16-byte header of a `.pyc` (PEP 552), as the walk records it.
    public static func pycBody(_ data: Data) -> Digest {
        SHA256Hasher.hash(data.count > 16 ? data.dropFirst(16) : Data())
    }

    /// Two walks at the same speed reach a large file together and both collect its bytes: one
    /// of them need hash them. The first to finish the file hashes; the second leaves its bytes
    /// and goes on, and the first compares them with its own when it offers its digest.
    public func settle(side: Int, position: Int, path: String, data: Data) -> Settlement {
        let key = Key(position: position, path: path)
        enum Seen { case offered(Data, Digest, Digest?), beingHashed, nobody }
        let seen: Seen = lock.withLock {
            if let other = pending[key], other.side != side {
                return other.content.map { Seen.offered($0, other.digest, other.body) } ?? .nobody
            }
            if let by = hashing[key], by != side, !abandoned.contains(Walk(side: by, position: position)) {
                waiting[key] = Waiter(side: side, data: data)
                counts.settledLater += 1
                return .beingHashed
            }
            hashing[key] = side
            return .nobody
        }
        switch seen {
        case .offered(let theirs, let digest, let body):
            guard theirs == data else { return .hash }
            offer(side: side, position: position, path: path, digest: digest, body: body, data: nil)
            return .digest(digest, body: body)
        case .beingHashed:
            return .deferred
        case .nobody:
            return .hash
        }
    }

    /// The digests settled so far for `side`'s deferred files at `position`, by path (each once).
    public func takeSettled(side: Int, position: Int) -> [String: Settled] {
        lock.withLock {
            guard !settled.isEmpty else { return [:] }
            var out: [String: Settled] = [:]
            for (slot, digest) in settled where slot.side == side && slot.key.position == position { out[slot.key.path] = digest }
            for path in out.keys { settled.removeValue(forKey: Waiter.Slot(side: side, key: Key(position: position, path: path))) }
            return out
        }
    }

    /// Waits until every one of `paths` that `side` deferred at `position` is settled, or its
    /// partner walk stopped; returns the digests found (the caller hashes the rest itself).
    public func awaitSettled(side: Int, position: Int, paths: Set<String>) -> [String: Settled] {
        lock.withLock {
            var out: [String: Settled] = [:]
            while true {
                for path in paths where out[path] == nil {
                    if let digest = settled.removeValue(forKey: Waiter.Slot(side: side, key: Key(position: position, path: path))) {
                        out[path] = digest
                    }
                }
                let open = paths.filter { out[$0] == nil && waiting[Key(position: position, path: $0)]?.side == side }
                if open.isEmpty { return out }
                lock.wait()
            }
        }
    }

    /// A walk that stops early (an error): its partner hashes what it left to it.
    public func abandon(side: Int, position: Int) {
        lock.withLock {
            abandoned.insert(Walk(side: side, position: position))
            for (key, by) in hashing where by == side && key.position == position {
                hashing.removeValue(forKey: key)
                if let w = waiting[key], w.side != side { waiting.removeValue(forKey: key) }
            }
            lock.broadcast()
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
            hashing.removeAll()
            waiting.removeAll()
            settled.removeAll()
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
