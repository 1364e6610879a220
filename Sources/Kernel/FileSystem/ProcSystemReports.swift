#if SKIFF_KERNEL
import LinuxABI
import ProcFS
import VFS

/// The system-wide files of /proc: memory, CPUs, kernel statistics, mounts, version.
enum ProcSystemReports {
    /// Memory use from the frame allocator, the kernel heap, the tmpfs mounts (Shmem, Cached)
    /// and the file systems' metadata caches (Buffers), for `/proc/meminfo`, `/proc/vmstat` and
    /// the monitoring API.
    static func memoryInfo() -> MemoryInfo {
        var info = MemoryInfo()
        info.total = PhysicalMemory.totalBytes
        info.free = PhysicalMemory.freeBytes
        info.available = info.free
        for mount in FileSystems.vfs.mounts {
            info.buffers &+= mount.fileSystem.bufferedBytes
            guard let statistics = try? mount.fileSystem.statistics(),
                statistics.type == FileSystemStatistics.TMPFS_MAGIC
            else { continue }
            info.shared &+= (statistics.blocks &- statistics.freeBlocks) &* UInt64(statistics.blockSize)
        }
        info.cached = info.shared
        var spaces: [AddressSpace] = []
        for process in Processes.snapshot where !process.isZombie {
            let space = process.addressSpace
            guard !spaces.contains(where: { $0 === space }) else { continue }
            spaces.append(space)
            info.anonymous &+= UInt64(space.lock.withLock { space.residentPages }) &* 4096
        }
        info.slab = UInt64(KernelHeap.bytesReserved)
        info.kernelStacks = UInt64(Scheduler.threadCount) &* KernelStack.size
        info.committed = info.anonymous
        info.commitLimit = info.total / 2
        info.directMap2M = PhysicalMemory.installedBytes
        return info
    }

    /// `/proc/cpuinfo`: a block per online CPU.
    static func cpuInfo() -> [UInt8] {
        var text = ProcText()
        let online = Scheduler.cpus.filter { $0.online }
        for (index, cpu) in online.enumerated() {
            CPUIdentity.describe(processor: index, apicID: cpu.apicID, count: online.count).append(to: &text)
        }
        return text.bytes
    }

    /// `/proc/stat`. The kernel counts idle time per CPU; the rest of the time since boot is
    /// reported as user time.
    static func kernelStatistics() -> [UInt8] {
        var statistics = KernelStatistics()
        let now = Clock.monotonic / 10_000_000
        for cpu in Scheduler.cpus where cpu.online {
            let idle = cpu.idleTime / 10_000_000
            statistics.cpus.append(.init(user: now > idle ? now - idle : 0, idle: idle))
            statistics.interrupts &+= cpu.interrupts
            statistics.contextSwitches &+= cpu.contextSwitches
        }
        statistics.bootTime = Clock.wallOffset / 1_000_000_000
        statistics.forks = UInt64(max(0, Scheduler.nextThreadID - 1))
        statistics.running = runnable
        return statistics.render()
    }

    static var runnable: Int { Scheduler.cpus.reduce(0) { $0 + $1.load } }

    static func uptime() -> [UInt8] {
        SystemReports.uptime(
            nanoseconds: Clock.monotonic, idleNanoseconds: Scheduler.cpus.reduce(0) { $0 &+ $1.idleTime })
    }

    static func loadAverage() -> [UInt8] {
        SystemReports.loadAverage(
            LoadAverage.fixedPoint, runnable: runnable, threads: Scheduler.threadCount,
            lastPID: Scheduler.nextThreadID - 1)
    }

    /// The kernel version line: the release uname gives, and Skiff's own version.
    static func version() -> [UInt8] {
        var text = ProcText()
        text.append("Linux version ")
        text.append(Syscalls.release)
        text.append(" (skiff@skiff) (Embedded Swift) #1 SMP PREEMPT Skiff ")
        text.append(Kernel.version)
        text.newline()
        return text.bytes
    }

    /// `filesystems`: every type a mount accepts (`MountableType`), then the application
    /// image's, which only the boot mounts.
    static func fileSystems() -> [UInt8] {
        SystemReports.fileSystems(
            MountableType.names.map { (name: $0.name, needsDevice: $0.type.needsDevice) } + [("skiffimg", false)])
    }

    /// `mounts` (or `mountinfo`) as the process with `context` sees them.
    static func mounts(_ context: FileContext, info: Bool) -> [UInt8] {
        var text = ProcText()
        let vfs = FileSystems.vfs!
        for mount in vfs.mounts {
            guard let point = try? vfs.pathName(of: Location(mount: mount, node: mount.root), in: context) else { continue }
            var typeName = mount.typeName
            if typeName.isEmpty {
                typeName = MountEntry.typeName(forMagic: (try? mount.fileSystem.statistics().type) ?? 0)
            }
            let entry = MountEntry(
                id: mount.id, parentID: mount.parent?.id ?? mount.id,
                device: (try? mount.root.attributes().device) ?? .none, mountPoint: point,
                source: mount.source.isEmpty ? typeName : mount.source, typeName: typeName, flags: mount.flags)
            if info { entry.appendMountInfoLine(to: &text) } else { entry.appendMountsLine(to: &text) }
        }
        return text.bytes
    }
}
#endif
