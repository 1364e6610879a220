/// Devices: PCI and virtio-mmio discovery, virtio-blk (checked byte for byte on the host after
/// the VM exits), virtio-rng, virtio-net, and a misbehaving device.

/// What the host writes on a test disk before boot (`DeviceTests.hostPattern` in the kernel).
func hostPattern(_ o: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: o >> 9) ^ UInt8(truncatingIfNeeded: o) ^ 0xA5
}

/// What `--kernel-test=blk-write` writes (`DeviceTests.guestPattern` in the kernel).
func guestPattern(_ o: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: (o >> 9) &* 131 &+ (o & 511) &* 7 &+ 0x5A)
}

/// The disk `blk-write` expects: 2 MiB of the host pattern. Afterwards sectors 0–127 and the
/// last hold the guest's pattern, 128–135 zeros (discarded, if the guest said it discarded),
/// and every other byte is still the host's: nothing was written where it should not be.
let blockWriteDisk = GuestDisk(sectors: 4096, contents: hostPattern) { bytes, console in
    guard bytes.count == 4096 * 512 else { return ["the image changed size to \(bytes.count) bytes"] }
    let discarded = console.contains("blk: discard: ok")
    var wrong: [String] = []
    for o in 0..<bytes.count {
        let sector = o >> 9
        let expected: UInt8
        if sector < 128 || sector == 4095 {
            expected = guestPattern(o)
        } else if sector < 136 && discarded {
            expected = 0
        } else {
            expected = hostPattern(o)
        }
        if bytes[o] != expected {
            wrong.append("image byte \(o) (sector \(sector)) is \(bytes[o]), expected \(expected)")
            if wrong.count == 3 { break }
        }
    }
    return wrong
}

/// A disk that must come back exactly as it went in.
let untouchedDisk = GuestDisk(sectors: 256, contents: hostPattern) { bytes, _ in
    bytes.enumerated().contains { $0.element != hostPattern($0.offset) } ? ["the guest changed a disk it must not touch"] : []
}

let blockWriteExpectations: [GuestTest.Expectation] = [
    .contains("blk: read 32768 bytes the host wrote: ok"),
    .contains("blk: wrote and read back 32768 bytes: ok"),
    .contains("blk: polled read with interrupts off: ok"),
    .contains("blk: stack buffer at the last sector: ok"),
    .contains("blk: out-of-range and misaligned requests refused: ok"),
    .contains("blk: 4 threads writing and reading: ok"),
    .contains("blk: discard: ok"),
    .contains("blk: flush: ok"),
    .lacks("FAILED"), .lacks("device disabled"),
]

let deviceGuestTests: [GuestTest] = [
    GuestTest(
        "virtio-blk: read, write, flush, discard; the host checks the image", "--verbose --kernel-test=blk-write",
        machines: [.q35, .microvm], status: 0,
        // QEMU's virtio-blk-pci offers a queue per vCPU (VIRTIO_BLK_F_MQ): one per CPU is taken.
        expect: blockWriteExpectations + [
            .matches(
                #"virtio-blk (pci 0000:00:0[0-9a-f]\.0: vda, 4096 sectors \(2 MiB\), flush, discard, 2 queues|mmio 0x[0-9a-f]+: vda, 4096 sectors \(2 MiB\), flush, discard, [12] queues?),"#
            )
        ],
        cpus: 2, disks: [blockWriteDisk]),
    GuestTest(
        "virtio-blk over legacy virtio-mmio", "--verbose --kernel-test=blk-write", status: 0,
        expect: blockWriteExpectations + [.matches(#"virtio-blk mmio 0x[0-9a-f]+ \(legacy\): vda"#)],
        disks: [blockWriteDisk], legacyVirtioMMIO: true),
    GuestTest(
        "virtio-mmio devices from virtio_mmio.device= (microvm without ACPI)", "--verbose --kernel-test=blk-write",
        status: 0,
        expect: blockWriteExpectations + [
            .contains("no ACPI tables"), .matches(#"virtio-blk mmio 0x[0-9a-f]+: vda, 4096 sectors .*, gsi [0-9]+$"#),
        ],
        disks: [blockWriteDisk], qemuArguments: ["-machine", "acpi=off"]),
    GuestTest(
        "virtio-blk with INTx through the I/O APIC (pci=nomsi)", "--verbose pci=nomsi --kernel-test=blk-write",
        machines: [.q35], status: 0,
        expect: blockWriteExpectations + [.matches(#"virtio-blk pci .*: vda, .*, intx gsi 2[0-3]$"#)],
        disks: [blockWriteDisk]),
    GuestTest(
        "--nopci probes no PCI device", "--verbose --nopci --kernel-test=devices", machines: [.q35], status: 0,
        expect: [
            .contains("skiff: pci: not probed (--nopci)"),
            .contains("devices: 0 pci functions, 0 virtio, 0 block, 0 network, 0 entropy"), .lacks("virtio-blk"),
        ],
        disks: [untouchedDisk], randomNumberGenerator: true),
    // The i440FX PC has no ACPI MCFG: configuration mechanism #1 (ports 0xcf8/0xcfc) must find
    // the chipset and a virtio disk, which then works (INTx, as the PC has no MSI-X here).
    GuestTest(
        "PCI through the legacy configuration ports (i440FX, no MCFG): the chipset and a working virtio disk",
        "--verbose --kernel-test=blk-write", machines: [.q35], status: 0,
        expect: blockWriteExpectations + [
            .contains("skiff: pci: configuration space through ports 0xcf8/0xcfc (no ACPI MCFG)"),
            .contains("skiff: pci 0000:00:00.0 8086:1237 class 060000"), .contains("8086:7000 class 060100"),
            .matches(#"virtio-blk pci 0000:00:0[0-9a-f]\.0: vda, 4096 sectors"#),
        ],
        disks: [blockWriteDisk], qemuArguments: ["-M", "pc"]),
    GuestTest(
        "PCI enumeration finds the q35 chipset and virtio devices", "--verbose --kernel-test=devices", machines: [.q35],
        status: 0,
        expect: [
            .matches(#"skiff: pci: configuration space through ECAM at 0x[0-9a-f]+ \(ACPI MCFG\)"#),
            .contains("skiff: pci 0000:00:00.0 8086:29c0 class 060000"), .contains("8086:2918 class 060100"),
            .matches(#"virtio-blk pci 0000:00:0[0-9a-f]\.0: vda, 256 sectors \(0 MiB\), .*msi-x"#),
            .matches(#"devices: [0-9]+ pci functions, 2 virtio, 1 block, 0 network, 1 entropy"#),
        ],
        disks: [untouchedDisk], randomNumberGenerator: true),
    GuestTest(
        "virtio-rng seeds the entropy pool at boot and again when due", "--verbose --kernel-test=rng", machines: [.q35, .microvm], status: 0,
        expect: [
            .matches(#"virtio-rng (pci|mmio) .*: entropy source"#), .matches(#"entropy: [0-9]+ bytes from RDRAND, 64 from virtio-rng, seeded"#),
            .contains("rng: virtio-rng gave 64 and 64 bytes, different: ok"),
            .contains("rng: entropy pool seeded and producing: ok"),
            .contains("rng: 64 virtio-rng bytes alone seed a generator: ok"),
            .matches(#"rng: reseeded from virtio-rng when due \(2 seedings, 128 bytes\): ok"#),
        ],
        randomNumberGenerator: true),
    GuestTest(
        "virtio-net sends and receives raw frames (ARP with the user-network gateway)", "--verbose --kernel-test=net",
        machines: [.q35, .microvm], status: 0,
        expect: [
            .matches(#"virtio-net (pci|mmio) .*: eth0, mac 52:54:00:12:34:56"#),
            .contains("net: ARP reply from 10.0.2.2 at 52:55:0a:00:02:02"), .contains("net: receive wake-up hook called: ok"),
        ],
        network: true),
    GuestTest(
        "a misbehaving device is reported in one line and disabled (bad used ring, a queue of size 0)",
        "--norandom --kernel-test=blk-misbehave", machines: [.q35, .microvm], status: 0,
        expect: [
            .matches(#"^skiff: virtio-rng (pci|mmio) [^;]*: queue 1 has size 0; device disabled$"#),
            .contains("rng: a queue of size 0 disabled the device: ok"),
            .matches(#"^skiff: virtio-blk (pci|mmio) [^;]*: queue 0: used descriptor index [0-9]+ is outside the queue of [0-9]+; device disabled$"#),
            .matches(#"^skiff: virtio-blk (pci|mmio) [^;]*: queue 0: used length 4096 for descriptor [0-9]+ exceeds its 512 writable bytes; device disabled$"#),
            .matches(#"^skiff: virtio-blk (pci|mmio) [^;]*: queue 0: used index moved from [0-9]+ to [0-9]+ with 0 requests in flight; device disabled$"#),
            .contains("blk: vda misbehaved, disabled, requests refused: ok"),
            .contains("blk: vdb misbehaved, disabled, requests refused: ok"),
            .contains("blk: vdc misbehaved, disabled, requests refused: ok"),
        ],
        disks: [untouchedDisk, untouchedDisk, untouchedDisk], randomNumberGenerator: true),
]
