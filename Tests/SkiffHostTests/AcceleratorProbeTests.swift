import Foundation
import Testing

@testable import SkiffHost

/// The KVM self-check's decision, with a stand-in for QEMU: a script that behaves as QEMU does
/// when nested KVM works (the check prints its line and powers off) or fails on the first SSE
/// instruction (an error on stderr, status 1).
@Suite struct AcceleratorProbeTests {
    private func probe(qemuScript: String) throws -> AcceleratorProbe.Decision {
        let dir = try TemporaryDirectory()
        let kernel = try dir.write("kernel.elf", "not booted by the stand-in")
        let qemu = try dir.write("qemu-system-x86_64", "#!/bin/sh\n" + qemuScript, mode: 0o755)
        return AcceleratorProbe.probe(kernel: kernel, qemu: qemu)
    }

    @Test func aPassingSelfCheckChoosesKVM() throws {
        let decision = try probe(qemuScript: "echo 'accel-check: ok'\nexit 0\n")
        #expect(decision.accelerator == .kvm)
        #expect(decision.reason == "KVM self-check passed")
    }

    @Test func aFailingSelfCheckFallsBackToTCGAndSaysWhy() throws {
        let decision = try probe(
            qemuScript: "echo 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69' >&2\nexit 1\n")
        #expect(decision.accelerator == .tcg)
        #expect(decision.reason == "KVM self-check failed: qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69")
    }

    @Test func aSelfCheckThatPrintsNothingIsAFailure() throws {
        // KVM's internal error can leave QEMU alive but silent, or exiting without the line.
        let decision = try probe(qemuScript: "exit 0\n")
        #expect(decision.accelerator == .tcg)
        #expect(decision.reason.hasPrefix("KVM self-check failed"))
    }

    @Test func anExplicitChoiceIsNotProbed() {
        #expect(AcceleratorProbe.resolve(.tcg, kernel: "/nonexistent", qemu: "/nonexistent").accelerator == .tcg)
        #expect(AcceleratorProbe.resolve(.kvm, kernel: "/nonexistent", qemu: "/nonexistent").reason == "requested")
    }
}
