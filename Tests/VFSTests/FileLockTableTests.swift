import Testing

@testable import VFS

@Suite struct FileLockTableTests {
    final class Token {}
    let nodeA = Token(), nodeB = Token()
    let first = Token(), second = Token(), third = Token()

    func id(_ t: Token) -> ObjectIdentifier { ObjectIdentifier(t) }

    /// The table behind a reference, so `#expect` can call its mutating members.
    final class Table {
        var table = FileLockTable()
        func acquire(node: ObjectIdentifier, owner: ObjectIdentifier, kind: FileLockTable.Kind) -> Bool {
            table.acquire(node: node, owner: owner, kind: kind)
        }
        func release(node: ObjectIdentifier, owner: ObjectIdentifier) -> Bool { table.release(node: node, owner: owner) }
        func releaseAll(owner: ObjectIdentifier) -> Bool { table.releaseAll(owner: owner) }
        func kind(node: ObjectIdentifier, owner: ObjectIdentifier) -> FileLockTable.Kind? { table.kind(node: node, owner: owner) }
        var lockedNodeCount: Int { table.lockedNodeCount }
    }

    @Test func sharedLocksCoexistAndExcludeAnExclusiveOne() {
        let table = Table()
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .shared))
        #expect(table.acquire(node: id(nodeA), owner: id(second), kind: .shared))
        #expect(!table.acquire(node: id(nodeA), owner: id(third), kind: .exclusive))
        // Another node is independent.
        #expect(table.acquire(node: id(nodeB), owner: id(third), kind: .exclusive))
        #expect(table.release(node: id(nodeA), owner: id(first)))
        #expect(!table.acquire(node: id(nodeA), owner: id(third), kind: .exclusive))
        #expect(table.release(node: id(nodeA), owner: id(second)))
        #expect(table.acquire(node: id(nodeA), owner: id(third), kind: .exclusive))
        #expect(!table.acquire(node: id(nodeA), owner: id(first), kind: .shared))
    }

    @Test func relockingIsIdempotentAndUnlockingWhatIsNotHeldIsHarmless() {
        let table = Table()
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .exclusive))
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .exclusive))
        #expect(!table.release(node: id(nodeA), owner: id(second)))
        #expect(table.release(node: id(nodeA), owner: id(first)))
        #expect(!table.release(node: id(nodeA), owner: id(first)))
        #expect(table.lockedNodeCount == 0)
    }

    @Test func conversionGivesUpTheOldLockFirstAsLinuxDoes() {
        let table = Table()
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .shared))
        #expect(table.acquire(node: id(nodeA), owner: id(second), kind: .shared))
        // Upgrading conflicts with the other reader: it fails, and the old shared lock is gone.
        #expect(!table.acquire(node: id(nodeA), owner: id(first), kind: .exclusive))
        #expect(table.kind(node: id(nodeA), owner: id(first)) == nil)
        // Alone, an upgrade and a downgrade succeed.
        #expect(table.release(node: id(nodeA), owner: id(second)))
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .shared))
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .exclusive))
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .shared))
        #expect(table.kind(node: id(nodeA), owner: id(first)) == .shared)
    }

    @Test func closingADescriptionReleasesEverythingItHeld() {
        let table = Table()
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .exclusive))
        #expect(table.acquire(node: id(nodeB), owner: id(first), kind: .shared))
        #expect(table.acquire(node: id(nodeB), owner: id(second), kind: .shared))
        #expect(table.releaseAll(owner: id(first)))
        #expect(!table.releaseAll(owner: id(first)))
        #expect(table.acquire(node: id(nodeA), owner: id(third), kind: .exclusive))
        #expect(table.kind(node: id(nodeB), owner: id(second)) == .shared)
        #expect(table.lockedNodeCount == 2)
    }
}
