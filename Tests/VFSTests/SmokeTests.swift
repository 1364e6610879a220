import LinuxABI
import Testing

@testable import VFS

@Test func createWriteReadBack() throws {
    let world = RamWorld()
    try world.mkdir("/a")
    try world.write("/a/f", bytes("hello"))
    #expect(try world.read("/a/f") == bytes("hello"))
    #expect(try world.names("/a") == ["f"])
}
