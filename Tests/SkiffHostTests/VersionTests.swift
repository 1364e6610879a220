import Testing
@testable import SkiffHost
@Test func version() { #expect(SkiffHostVersion.string == "0.1.0") }
