import Testing
@testable import Virtio

@Suite struct DescriptorFreeListTests {
    /// Walks a chain through the list's links.
    func chain(_ list: DescriptorFreeList, head: UInt16, count: Int) -> [UInt16] {
        (0..<count).map { list.descriptor($0, ofChain: head) }
    }

    @Test func allocatesEveryDescriptorOnceThenRefuses() {
        var list = DescriptorFreeList(size: 8)
        var seen: [UInt16] = []
        for count in [3, 1, 4] {
            let head = list.allocate(count)!
            seen += chain(list, head: head, count: count)
        }
        #expect(seen.sorted() == (0..<8).map { UInt16($0) })
        #expect(list.freeCount == 0)
        #expect(list.allocate(1) == nil)
        #expect(list.allocate(0) == nil)
    }

    @Test func randomAllocationAndFreeAgainstAModel() {
        var rng = SplitMix64(state: 42)
        for size in [1, 2, 16, 256] {
            var list = DescriptorFreeList(size: size)
            var owned: [(head: UInt16, members: [UInt16])] = []
            var used = [Bool](repeating: false, count: size)
            for _ in 0..<5000 {
                if !owned.isEmpty && rng.below(3) == 0 {
                    let i = rng.below(owned.count)
                    let c = owned.remove(at: i)
                    #expect(chain(list, head: c.head, count: c.members.count) == c.members)
                    for m in c.members { used[Int(m)] = false }
                    list.free(head: c.head, count: c.members.count)
                } else {
                    let want = 1 + rng.below(min(size, 4))
                    let free = used.filter { !$0 }.count
                    #expect(list.freeCount == free)
                    guard let head = list.allocate(want) else {
                        #expect(free < want)
                        continue
                    }
                    let members = chain(list, head: head, count: want)
                    for m in members {
                        #expect(!used[Int(m)], "descriptor \(m) handed out twice")
                        used[Int(m)] = true
                    }
                    owned.append((head, members))
                }
            }
        }
    }
}
