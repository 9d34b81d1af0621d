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
        /// Nil for bytes left unhashed at a twin position.
        var digest: Digest?
        var content: Data?
        var body: Digest? = nil
    }
    private var pending: [Key: Pending] = [:]
    private var pendingBytes = 0
    private var kept: [Key: (Data?, Data?)] = [:]
    private var keptBytes = 0

    /// Positions where files proven equal are not hashed (see the type's comment). Only layers
    /// walked exactly once, for this comparison alone, qualify: a twin's stand-in digest means
    /// something only beside its partner.
    public let twinPositions: Set<Int>

    public init(pendingBudget: Int = 32 << 20, keptBudget: Int = 64 << 20, fileLimit: Int64 = 4 << 20, twinPositions: Set<Int> = []) {
        self.pendingBudget = pendingBudget
        self.keptBudget = keptBudget
        self.fileLimit = fileLimit
        self.twinPositions = twinPositions
    }

    /// A new stand-in digest for a pair of twins: unique within this exchange, and no SHA-256 of
    /// any content (the words spell "driftscope-twin", then the position and a counter). Called
    /// with the lock held: it allocates nothing.
    private func newTwinDigest(position: Int) -> Digest {
        nextTwin += 1
        return Digest(sha256Words: (0x6472_6966_7473_636F, 0x7065_2D74_7769_6E00, UInt64(position), nextTwin))
    }
    private var nextTwin: UInt64 = 0

    /// What a walk should do with the bytes of a file while it hashes them.
    public enum Claim: Sendable {
        /// Keep nothing: the file is too large, the budget is spent, or the other side holds no
        /// bytes to pair them with (the second pass reads such files if they differ).
        case none
        /// The other side has not reached the file: collect its bytes, the other side may differ.
        case collect
        /// The other side's bytes, their SHA-256 and (for `.pyc` files) their body digest: compare
        /// while streaming, and collect only from where they differ. Bytes equal to the end have
        /// the same digests, which need not be computed. No digest: bytes left unhashed at a twin
        /// position; equal to the end, the two files are twins (`twinned`).
        case compare(Data, Digest?, body: Digest?)
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
        public var collected = 0, compared = 0, secondWithoutBytes = 0, overBudget = 0, settledLater = 0, twins = 0
        public var description: String {
            "exchange: \(collected) collected (\(settledLater) left to the other side to hash), \(compared) compared, \(twins) twin pairs not hashed, \(secondWithoutBytes) with nothing to compare, \(overBudget) over the pending budget"
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
                settled[Walk(side: waiter.side, position: position), default: [:]][path] = Settled(digest: theirs, body: theirBody)
                if !equal { keepPair(key, side: side, mine: data, theirs: waiter.data) }
                lock.broadcast()
            }
            return
        }
        let unhashed: Pending? = lock.withLock {
            if let other = pending[key], other.side != side {
                pending.removeValue(forKey: key)
                pendingBytes -= other.content?.count ?? 0
                guard let theirs = other.digest else { return other }
                guard theirs != digest else { return nil }
                keepPair(key, side: side, mine: data, theirs: other.content)
                return nil
            }
            // First to arrive (or a later duplicate of the path in the same layer: it replaces).
            if let earlier = pending.removeValue(forKey: key) { pendingBytes -= earlier.content?.count ?? 0 }
            var held: Data?
            if let data, pendingBytes + data.count <= pendingBudget { held = data }
            pendingBytes += held?.count ?? 0
            pending[key] = Pending(side: side, digest: digest, content: held, body: body)
            return nil
        }
        // The other side left its bytes unhashed (a twin position) and these are not the same:
        // hash them for it.
        if let other = unhashed, let content = other.content {
            let theirs = Self.settlement(content, path: path)
            lock.withLock {
                settled[Walk(side: other.side, position: position), default: [:]][path] = theirs
                if theirs.digest != digest { keepPair(key, side: side, mine: data, theirs: content) }
            }
        }
    }

    /// The digests of bytes hashed on behalf of a walk.
    private static func settlement(_ data: Data, path: String) -> Settled {
        Settled(digest: SHA256Hasher.hash(data), body: path.hasSuffix(".pyc") ? pycBody(data) : nil)
    }

    // MARK: twin positions

    /// What became of a file whose bytes a walk collected from the start at a twin position.
    public enum Arrival: Sendable, Equatable {
        /// The other walk left the same bytes unhashed: the two files are twins with this stand-in.
        case twin(Digest)
        /// The other walk left the same bytes with their digests: take them.
        case digest(Digest, body: Digest?)
        /// The other walk left other bytes (now hashed for it, and both versions kept): hash yours;
        /// nothing more to offer.
        case differs
        /// Hash the bytes, then `offer` the digest.
        case hash
        /// Left unhashed for the other walk to compare with its own: its digest is settled later
        /// (`takeSettled`, or after both walks through `LayerIndex.settle`).
        case held
    }

    /// At a twin position, a walk that collected a file's bytes from the start leaves them
    /// unhashed, or compares them with the other walk's bytes left the same way.
    public func arrive(side: Int, position: Int, path: String, data: Data) -> Arrival {
        let key = Key(position: position, path: path)
        enum Found { case other(Pending), hash, held }
        let found: Found = lock.withLock {
            if let other = pending[key], other.side != side {
                guard other.content != nil else { return .hash }
                pending.removeValue(forKey: key)
                pendingBytes -= other.content?.count ?? 0
                return .other(other)
            }
            guard pendingBytes + data.count <= pendingBudget else { return .hash }
            if let earlier = pending.removeValue(forKey: key) { pendingBytes -= earlier.content?.count ?? 0 }
            pending[key] = Pending(side: side, digest: nil, content: data)
            pendingBytes += data.count
            return .held
        }
        switch found {
        case .hash: return .hash
        case .held: return .held
        case .other(let other):
            let content = other.content!
            if content == data {
                if let digest = other.digest { return .digest(digest, body: other.body) }
                let stand: Digest = lock.withLock {
                    counts.twins += 1
                    let stand = newTwinDigest(position: position)
                    settled[Walk(side: other.side, position: position), default: [:]][path] = Settled(digest: stand, twin: true)
                    return stand
                }
                return .twin(stand)
            }
            let theirs = other.digest.map { Settled(digest: $0, body: other.body) } ?? Self.settlement(content, path: path)
            lock.withLock {
                if other.digest == nil { settled[Walk(side: other.side, position: position), default: [:]][path] = theirs }
                keepPair(key, side: side, mine: data, theirs: content)
            }
            return .differs
        }
    }

    /// At a twin position, the walk that compared its bytes to the end with the other walk's
    /// unhashed bytes (`Claim.compare` without a digest) makes both files twins; returns the
    /// stand-in digest.
    public func twinned(side: Int, position: Int, path: String) -> Digest {
        let key = Key(position: position, path: path)
        return lock.withLock {
            let stand = newTwinDigest(position: position)
            if let other = pending[key], other.side != side {
                pending.removeValue(forKey: key)
                pendingBytes -= other.content?.count ?? 0
                settled[Walk(side: other.side, position: position), default: [:]][path] = Settled(digest: stand, twin: true)
                counts.twins += 1
            }
            return stand
        }
    }

    /// A walk at a twin position is done. The last of the two hashes whatever either left unhashed
    /// that the other never reached, and settles it for its owner.
    public func endWalk(side: Int, position: Int) {
        let leftovers: [(Int, String, Data)] = lock.withLock {
            ended[position, default: []].insert(side)
            guard ended[position]?.count == 2 else { return [] }
            var out: [(Int, String, Data)] = []
            for key in pending.keys where key.position == position {
                guard let p = pending.removeValue(forKey: key) else { continue }
                pendingBytes -= p.content?.count ?? 0
                if p.digest == nil, let content = p.content { out.append((p.side, key.path, content)) }
            }
            return out
        }
        for (owner, path, content) in leftovers {
            let found = Self.settlement(content, path: path)
            lock.withLock { settled[Walk(side: owner, position: position), default: [:]][path] = found }
        }
    }

    /// Whether both walks at a twin position are done (their records can then all be settled).
    public func walksEnded(position: Int) -> Bool {
        lock.withLock { ended[position]?.count == 2 }
    }
    /// Twin positions whose walks are done, by the sides done.
    private var ended: [Int: Set<Int>] = [:]

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
    }
    /// Files being hashed now, by the side hashing them.
    private var hashing: [Key: Int] = [:]
    /// Files whose bytes one side collected while the other hashed its copy.
    private var waiting: [Key: Waiter] = [:]
    /// The digests of a settled file (the body digest for `.pyc` files).
    public struct Settled: Sendable, Equatable {
        public var digest: Digest
        public var body: Digest?
        /// The file is a twin of the other walk's: `digest` is the stand-in the two share.
        public var twin: Bool
        public init(digest: Digest, body: Digest? = nil, twin: Bool = false) { self.digest = digest; self.body = body; self.twin = twin }
    }
    /// Digests found for a walk's files, by walk and path.
    private var settled: [Walk: [String: Settled]] = [:]

    /// One walk: a side at a position.
    private struct Walk: Hashable {
        var side: Int
        var position: Int
    }
    /// Walks that stopped early (an error): their partners must not wait for them.
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
                guard let content = other.content, let digest = other.digest else { return .nobody }
                return .offered(content, digest, other.body)
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
            return settled.removeValue(forKey: Walk(side: side, position: position)) ?? [:]
        }
    }

    /// Waits until every one of `paths` that `side` deferred at `position` is settled, or its
    /// partner walk stopped; returns the digests found (the caller hashes the rest itself).
    public func awaitSettled(side: Int, position: Int, paths: Set<String>) -> [String: Settled] {
        lock.withLock {
            var out: [String: Settled] = [:]
            let walk = Walk(side: side, position: position)
            while true {
                if var found = settled.removeValue(forKey: walk) {
                    for path in paths { if let digest = found.removeValue(forKey: path) { out[path] = digest } }
                    if !found.isEmpty { settled[walk] = found }
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
            ended.removeAll()
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

    /// Whether files proven equal go unhashed here (a twin position of the exchange).
    public let twins: Bool

    public init(exchange: PairExchange, side: Int, position: Int) {
        self.exchange = exchange
        self.side = side
        self.position = position
        self.twins = exchange.twinPositions.contains(position)
    }
}
