import Testing
@testable import Boot
@Test func placeholder() { #expect(true) }
