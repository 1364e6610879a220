import Testing
@testable import ACPI
@Test func placeholder() { #expect(true) }
