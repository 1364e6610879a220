// swift-tools-version: 6.1
//
// Skiff: one package for the kernel, its portable subsystems and the host tools.
//
// The portable modules (Boot, ACPI, …) build twice: for the host, where `swift test` checks them,
// and for `x86_64-unknown-none-elf` in Embedded Swift, where they are linked into the kernel.
// The kernel itself (`Kernel`, `CKernel`) only has content when built with the kernel toolset
// (`make kernel`); on the host those targets compile to empty modules.

import PackageDescription

/// Modules off the hot paths (command-line and firmware-table parsing, ELF and image readers,
/// ext4, 9p, procfs, the monitoring server, entropy seeding) are optimised for size in release builds, which is how
/// the kernel is built: the kernel must fit in a 3 MiB VM. System calls, scheduling, memory, the
/// VFS and the network stack stay optimised for speed.
let optimizeForSize: [SwiftSetting] = [.unsafeFlags(["-Osize"], .when(configuration: .release))]

let package = Package(
    name: "Skiff",
    products: [
        .executable(name: "skiff", targets: ["skiff"]),
        .executable(name: "Kernel", targets: ["Kernel"]),
        .executable(name: "skiff-guest-tests", targets: ["GuestTestRunner"]),
        .executable(name: "skiff-bench", targets: ["SkiffBench"]),
        .executable(name: "skiff-fuzz", targets: ["SkiffFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // MARK: Portable kernel subsystems (host-tested, linked into the kernel)
        .target(name: "Boot", swiftSettings: optimizeForSize),
        .target(name: "ACPI", swiftSettings: optimizeForSize),
        .target(name: "ELF", swiftSettings: optimizeForSize),
        .target(name: "Memory"),
        .target(name: "LinuxABI"),
        .target(name: "ImageFS", swiftSettings: optimizeForSize),
        .target(name: "Scheduling"),
        .target(name: "VFS", dependencies: ["LinuxABI", "ImageFS"]),
        .target(name: "ProcFS", dependencies: ["VFS", "LinuxABI"], swiftSettings: optimizeForSize),
        .target(name: "Net"),
        .target(name: "Virtio"),
        .target(name: "Storage"),
        .target(name: "Randomness", swiftSettings: optimizeForSize),
        .target(name: "Ext4", dependencies: ["Storage", "LinuxABI", "VFS"], swiftSettings: optimizeForSize),
        .target(name: "NineP", dependencies: ["LinuxABI", "VFS"], swiftSettings: optimizeForSize),
        .target(name: "Trace", dependencies: ["LinuxABI"]),
        .target(name: "Monitoring", swiftSettings: optimizeForSize),

        // MARK: The kernel (Embedded Swift + C/assembly at the hardware edge)
        .target(name: "CKernel"),
        .executableTarget(
            name: "Kernel",
            dependencies: ["CKernel", "Boot", "ACPI", "ELF", "Memory", "LinuxABI", "ImageFS", "Scheduling", "VFS", "Net", "Virtio", "Storage", "Randomness", "Ext4", "NineP", "Trace", "Monitoring", "ProcFS"]
        ),

        // MARK: Host tools
        .target(name: "SkiffHost", dependencies: ["ELF", "ImageFS", "Trace", "Monitoring"]),
        .executableTarget(
            name: "skiff",
            dependencies: [
                "SkiffHost",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "GuestTestRunner",
            dependencies: ["SkiffHost", "Trace"]
        ),
        .executableTarget(
            name: "SkiffBench",
            dependencies: ["SkiffHost"]
        ),
        // libFuzzer harnesses of the parsers that read outside data (`make fuzz`).
        .target(
            name: "Fuzzing", dependencies: ["Boot", "ELF", "ImageFS", "Ext4", "NineP", "Storage", "Net", "Monitoring", "VFS", "LinuxABI"]),
        .executableTarget(name: "SkiffFuzz", dependencies: ["Fuzzing"]),

        // MARK: Host tests
        .target(name: "FileSystemTestSupport", dependencies: ["VFS"], path: "Tests/FileSystemTestSupport"),
        .testTarget(name: "BootTests", dependencies: ["Boot"]),
        .testTarget(name: "ACPITests", dependencies: ["ACPI"]),
        .testTarget(name: "ELFTests", dependencies: ["ELF"]),
        .testTarget(name: "MemoryTests", dependencies: ["Memory"]),
        .testTarget(name: "LinuxABITests", dependencies: ["LinuxABI"]),
        .testTarget(name: "ImageFSTests", dependencies: ["ImageFS"]),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling"]),
        .testTarget(name: "VFSTests", dependencies: ["VFS", "ImageFS", "LinuxABI"]),
        .testTarget(name: "ProcFSTests", dependencies: ["ProcFS", "VFS", "LinuxABI"]),
        .testTarget(name: "NetTests", dependencies: ["Net"]),
        .testTarget(name: "VirtioTests", dependencies: ["Virtio"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
        .testTarget(name: "Ext4Tests", dependencies: ["Ext4", "Storage", "LinuxABI", "VFS", "FileSystemTestSupport"]),
        .testTarget(name: "NinePTests", dependencies: ["NineP", "LinuxABI", "VFS", "FileSystemTestSupport"]),
        .testTarget(name: "SkiffHostTests", dependencies: ["SkiffHost", "Boot", "ImageFS", "Trace"]),
        .testTarget(name: "TraceTests", dependencies: ["Trace"]),
        .testTarget(name: "MonitoringTests", dependencies: ["Monitoring"]),
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing"]),
    ]
)
