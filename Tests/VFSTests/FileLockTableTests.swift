import Testing

@testable import VFS

@Suite struct FileLockTableTests {
    final class Token {}
    let nodeA = Token(), nodeB = Token()
    let first = Token(), second = Token(), third = Token()

    func id(_ t: Token) -> ObjectIdentifier { ObjectIdentifier(t) }

    @Test func sharedLocksCoexistAndExcludeAnExclusiveOne() {
        var table = FileLockTable()
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
        var table = FileLockTable()
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .exclusive))
        #expect(table.acquire(node: id(nodeA), owner: id(first), kind: .exclusive))
        #expect(!table.release(node: id(nodeA), owner: id(second)))
        #expect(table.release(node: id(nodeA), owner: id(first)))
        #expect(!table.release(node: id(nodeA), owner: id(first)))
        #expect(table.lockedNodeCount == 0)
    }

    @Test func conversionGivesUpTheOldLockFirstAsLinuxDoes() {
        var table = FileLockTable()
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
        var table = FileLockTable()
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
