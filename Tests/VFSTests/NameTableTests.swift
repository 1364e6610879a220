import Testing

@testable import VFS

@Test func nameTableMatchesDictionaryUnderChurn() {
    var random = SplitMix64(seed: 42)
    var table = NameTable<Int>()
    var reference: [[UInt8]: Int] = [:]
    for step in 0..<20000 {
        let name = Array("n\(random.below(600))".utf8)
        switch random.below(3) {
        case 0, 1:
            table[name] = step
            reference[name] = step
        default:
            #expect(table.removeValue(forKey: name) == reference.removeValue(forKey: name))
        }
        if step % 1000 == 0 {
            #expect(table.count == reference.count)
            for (key, value) in reference { #expect(table[key] == value) }
            var seen = 0
            table.forEach { key, value in
                seen += 1
                #expect(reference[key] == value)
            }
            #expect(seen == reference.count)
        }
    }
    // Emptying shrinks back and still works.
    for key in reference.keys { table[key] = nil }
    #expect(table.isEmpty)
    table[[1]] = 1
    #expect(table[[1]] == 1 && table[[2]] == nil)
    table.filter { $0 != 1 }
    #expect(table.isEmpty)
}

@Test func nameTableHandlesEmptyAndBinaryNames() {
    var table = NameTable<String>()
    #expect(table[[]] == nil)
    #expect(table.removeValue(forKey: [0xFF]) == nil)
    table[[0, 0xFF, 0x2F]] = "binary"
    table[[]] = "empty"
    #expect(table[[0, 0xFF, 0x2F]] == "binary" && table[[]] == "empty" && table.count == 2)
    table.removeAll()
    #expect(table.count == 0 && table[[]] == nil)
}
