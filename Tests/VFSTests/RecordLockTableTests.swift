import LinuxABI
import Testing

@testable import VFS

@Suite struct RecordLockTableTests {
    final class Token {}
    let node = Token(), otherNode = Token()
    let first = Token(), second = Token(), third = Token()

    func id(_ t: Token) -> ObjectIdentifier { ObjectIdentifier(t) }

    /// The table behind a reference, so `#expect` can call its mutating members.
    final class Table {
        var table = RecordLockTable()
        func lock(_ node: ObjectIdentifier, _ owner: ObjectIdentifier, _ kind: RecordLockTable.Kind, _ range: Range<UInt64>) -> Bool {
            table.acquire(node: node, .init(owner: owner, kind: kind, start: range.lowerBound, end: range.upperBound, pid: 7)) == nil
        }
        func unlock(_ node: ObjectIdentifier, _ owner: ObjectIdentifier, _ range: Range<UInt64>) -> Bool {
            table.release(node: node, owner: owner, start: range.lowerBound, end: range.upperBound)
        }
        func releaseAll(_ owner: ObjectIdentifier) -> Bool { table.releaseAll(owner: owner) }
        /// `owner`'s ranges on `node`, sorted, as (kind, range).
        func held(_ node: ObjectIdentifier, _ owner: ObjectIdentifier) -> [String] {
            table.locks(node: node).filter { $0.owner == owner }.sorted { $0.start < $1.start }.map {
                "\($0.kind == .read ? "r" : "w")\($0.start)-\($0.end == RecordLockTable.toEnd ? "end" : String($0.end))"
            }
        }
    }

    let end = RecordLockTable.toEnd

    @Test func readLocksShareAndWriteLocksExcludeOnlyWhereRangesOverlap() {
        let t = Table()
        #expect(t.lock(id(node), id(first), .read, 0..<100))
        #expect(t.lock(id(node), id(second), .read, 50..<150))
        #expect(!t.lock(id(node), id(third), .write, 99..<100))
        #expect(t.lock(id(node), id(third), .write, 150..<200))  // touches, does not overlap
        #expect(!t.lock(id(node), id(first), .read, 199..<end))
        #expect(t.lock(id(otherNode), id(third), .write, 0..<end))  // another file is independent
        let conflict = t.table.conflict(node: id(node), owner: id(first), kind: .write, start: 120, end: 130)
        #expect(conflict?.owner == id(second) && conflict?.start == 50 && conflict?.end == 150)
    }

    @Test func anOwnersNewLockReplacesWhatItCoversSplittingAndMerging() {
        let t = Table()
        #expect(t.lock(id(node), id(first), .write, 0..<100))
        #expect(t.lock(id(node), id(first), .read, 40..<60))  // a downgrade in the middle splits
        #expect(t.held(id(node), id(first)) == ["w0-40", "r40-60", "w60-100"])
        #expect(t.lock(id(node), id(second), .read, 45..<50))  // only the read part is shareable
        #expect(!t.lock(id(node), id(second), .read, 30..<50))
        #expect(t.lock(id(node), id(first), .write, 100..<200))  // adjacent, same kind: merges
        #expect(t.held(id(node), id(first)) == ["w0-40", "r40-60", "w60-200"])
        // Upgrading the middle back fails while `second` reads it, and changes nothing.
        #expect(!t.lock(id(node), id(first), .write, 40..<60))
        #expect(t.held(id(node), id(first)) == ["w0-40", "r40-60", "w60-200"])
        #expect(t.unlock(id(node), id(second), 0..<end))
        #expect(t.lock(id(node), id(first), .write, 40..<60))
        #expect(t.held(id(node), id(first)) == ["w0-200"])
    }

    @Test func unlockingSplitsAndReleasingAllFreesEveryNode() {
        let t = Table()
        #expect(t.lock(id(node), id(first), .write, 10..<end))
        #expect(t.unlock(id(node), id(first), 20..<30))
        #expect(t.held(id(node), id(first)) == ["w10-20", "w30-end"])
        #expect(!t.unlock(id(node), id(first), 20..<30))  // nothing held there
        #expect(!t.unlock(id(node), id(second), 0..<end))  // not second's
        #expect(t.lock(id(node), id(second), .write, 20..<30))
        #expect(t.lock(id(otherNode), id(first), .read, 0..<1))
        #expect(t.table.lockedNodeCount == 2)
        #expect(t.releaseAll(id(first)))
        #expect(!t.releaseAll(id(first)))
        #expect(t.held(id(node), id(second)) == ["w20-30"])
        #expect(t.table.lockedNodeCount == 1)
        #expect(t.unlock(id(node), id(second), 0..<end))
        #expect(t.table.lockedNodeCount == 0)
    }

    @Test func flockRangesFollowLinuxsArithmetic() throws {
        func range(_ whence: Int, _ start: Int64, _ length: Int64) throws(Errno) -> Range<UInt64> {
            let r = try RecordLockTable.range(whence: whence, start: start, length: length, position: 100, size: 1000)
            return r.start..<r.end
        }
        #expect(try range(0, 10, 5) == 10..<15)
        #expect(try range(1, 10, 5) == 110..<115)  // from the position
        #expect(try range(2, -10, 0) == 990..<end)  // from the size, to the end
        #expect(try range(0, 10, -5) == 5..<10)  // backwards: the bytes before start
        #expect(try range(0, 0, Int64.max) == 0..<UInt64(Int64.max))  // one short of "to the end"
        #expect(throws: Errno.EINVAL) { try range(0, -1, 5) }
        #expect(throws: Errno.EINVAL) { try range(0, 3, -5) }
        #expect(throws: Errno.EINVAL) { try range(3, 0, 0) }
        #expect(throws: Errno.EOVERFLOW) { try range(1, Int64.max, 1) }
        #expect(throws: Errno.EOVERFLOW) { try range(0, 10, Int64.max) }
        let lock = RecordLockTable.Lock(owner: id(first), kind: .read, start: 5, end: 10, pid: 1)
        #expect(RecordLockTable.reported(lock) == (5, 5))
        #expect(RecordLockTable.reported(.init(owner: id(first), kind: .read, start: 5, end: end, pid: 1)) == (5, 0))
    }

    @Test func aWaitThatClosesACycleIsADeadlock() {
        var table = RecordLockTable()
        #expect(!table.wouldDeadlock(waiter: id(first), holder: id(second)))
        table.setWaiting(id(first), for: id(second))
        #expect(table.wouldDeadlock(waiter: id(second), holder: id(first)))
        table.setWaiting(id(second), for: id(third))
        #expect(table.wouldDeadlock(waiter: id(third), holder: id(first)))  // third → first → second → third
        #expect(!table.wouldDeadlock(waiter: id(third), holder: id(node)))
        table.clearWaiting(id(first))
        #expect(!table.wouldDeadlock(waiter: id(third), holder: id(first)))
    }

    /// Random locks and unlocks by three owners on a 64-byte file against a model that keeps
    /// one (owner, kind) per byte.
    @Test func randomOperationsMatchAPerByteModel() {
        var table = RecordLockTable()
        let owners = [id(first), id(second), id(third)]
        var model = [[RecordLockTable.Kind?]](repeating: [RecordLockTable.Kind?](repeating: nil, count: 64), count: 3)
        var state: UInt64 = 0x1234_5678
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<3000 {
            let o = random(3)
            let start = random(64)
            let end = start + 1 + random(64 - start)
            if random(4) == 0 {
                table.release(node: id(node), owner: owners[o], start: UInt64(start), end: UInt64(end))
                for b in start..<end { model[o][b] = nil }
                continue
            }
            let kind: RecordLockTable.Kind = random(2) == 0 ? .read : .write
            let blocked = (start..<end).contains { b in
                (0..<3).contains { other in
                    other != o && model[other][b].map { $0 == .write || kind == .write } == true
                }
            }
            let got = table.acquire(node: id(node), .init(owner: owners[o], kind: kind, start: UInt64(start), end: UInt64(end), pid: 1))
            #expect((got == nil) == !blocked)
            if !blocked { for b in start..<end { model[o][b] = kind } }
            // The table's ranges per owner are disjoint, never adjacent with one kind, and
            // cover exactly the model's bytes.
            for (i, owner) in owners.enumerated() {
                let mine = table.locks(node: id(node)).filter { $0.owner == owner }.sorted { $0.start < $1.start }
                var bytes = [RecordLockTable.Kind?](repeating: nil, count: 64)
                for (j, lock) in mine.enumerated() {
                    for b in Int(lock.start)..<Int(lock.end) { bytes[b] = lock.kind }
                    if j > 0 {
                        #expect(mine[j - 1].end <= lock.start)
                        #expect(!(mine[j - 1].end == lock.start && mine[j - 1].kind == lock.kind))
                    }
                }
                #expect(bytes == model[i])
            }
        }
    }
}
