#if SKIFF_KERNEL
import Boot
import Ext4
import LinuxABI
import Storage
import VFS

/// Disks in the file-system tree: their device nodes in /dev, ext4 volumes on them (as root
/// with `--rootfs=ext`, or anywhere with `--mount-fs=ext4,/dev/vdb,/data` as in OSv), the
/// periodic journal commit, and the clean unmount before the VM powers off.
extension FileSystems {
    /// One node per disk, shared by every open of its device file.
    nonisolated(unsafe) static var diskNodes: [BlockDeviceNode] = []
    /// Mounted ext4 volumes, for the commit thread and shutdown.
    nonisolated(unsafe) static var ext4Volumes: [Ext4Volume] = []
    nonisolated(unsafe) private static var commitThreadStarted = false

    /// How often the running transaction is committed: Linux's default `commit=5`.
    static let commitIntervalNanoseconds: UInt64 = 5_000_000_000

    /// Makes a node for every disk the devices found, named as the driver named it.
    static func makeDiskNodes() {
        for (index, disk) in Devices.blockDevices.enumerated() {
            let number = DeviceNumber(major: BlockDeviceNode.virtioMajor, minor: UInt32(index) &* 16)
            diskNodes.append(BlockDeviceNode(disk: disk, number: number))
        }
    }

    /// The disk node a device file in any file system stands for.
    static func diskNode(_ number: DeviceNumber) -> BlockDeviceNode? {
        diskNodes.first { $0.number == number }
    }

    /// The disk `source` names: `/dev/vda`, `vda`, or OSv's `/dev/vblk0`.
    static func disk(named source: String) -> (any BlockDevice)? {
        var name = Array(source.utf8)
        if name.starts(with: Array("/dev/".utf8)) { name.removeFirst(5) }
        if name.starts(with: Array("vblk".utf8)), let index = Int(String(decoding: name.dropFirst(4), as: UTF8.self)) {
            return index >= 0 && index < Devices.blockDevices.count ? Devices.blockDevices[index] : nil
        }
        return Devices.blockDevices.first { Array($0.name.utf8) == name }
    }

    /// Mounts the ext4 volume on `disk`; the error is a message for the console. A disk with a
    /// volume mounted already is EBUSY: two journals writing one disk would corrupt it.
    static func mountExt4(_ disk: any BlockDevice, readOnly: Bool) -> Result<Ext4Volume, MountFailure> {
        let index = Devices.blockDevices.firstIndex { $0 === disk } ?? 0
        ext4Volumes.removeAll { $0.isDetached }
        if ext4Volumes.contains(where: { $0.blockDevice === disk }) {
            return .failure(MountFailure("ext4 on " + disk.name + ": the disk is mounted already", errno: .EBUSY))
        }
        var options = Ext4MountOptions(
            readOnly: readOnly || disk.isReadOnly, clock: { Timespec(totalNanoseconds: Clock.realtime) })
        // Clean metadata blocks kept in memory: up to 1024, at most 1/32 of memory.
        options.cacheBlocks = max(64, min(1024, Int(PhysicalMemory.totalBytes / 4096 / 32)))
        let volume: Ext4Volume
        do throws(Ext4Error) {
            volume = try Ext4Volume(
                blockDevice: disk, options: options,
                device: DeviceNumber(major: BlockDeviceNode.virtioMajor, minor: UInt32(index) &* 16),
                lockFactory: lockFactory)
        } catch {
            return .failure(
                MountFailure("ext4 on " + disk.name + ": " + error.message + " (" + String(error.errno.name) + ")", errno: error.errno))
        }
        if volume.recoveredTransactions > 0 {
            log("ext4 on " + disk.name + ": replayed \(volume.recoveredTransactions) journal transactions")
        }
        ext4Volumes.append(volume)
        startCommitThread()
        return .success(volume)
    }

    /// Mounts each `--mount-fs` request in order.
    static func mountRequested(_ requests: [MountRequest], vfs: VirtualFileSystem, context: FileContext) -> String? {
        for request in requests {
            let type = MountableType(name: Array(request.type.utf8))
            let fileSystem: any FileSystem
            switch type {
            case .ext4?:
                guard let disk = disk(named: request.source) else {
                    return "--mount-fs: no disk " + request.source + " (disks: " + diskList() + ")"
                }
                switch mountExt4(disk, readOnly: false) {
                case .success(let volume): fileSystem = volume
                case .failure(let failure): return "--mount-fs: " + failure.message
                }
            case .tmpfs?:
                fileSystem = newTmpfs()
            case .ninep?:
                switch mountShare(Array(request.source.utf8)) {
                case .success(let share): fileSystem = share
                case .failure(let failure): return "--mount-fs: " + failure.message
                }
            case .kernelTree?, nil:
                return "--mount-fs: unknown file system type " + request.type + " (ext4, 9p and tmpfs are supported)"
            }
            do throws(Errno) {
                try vfs.mount(
                    fileSystem, at: Array(request.path.utf8), in: context, source: Array(request.source.utf8),
                    typeName: type?.typeName ?? [])
            } catch {
                return "--mount-fs: cannot mount on " + request.path + " (" + String(error.name) + ")"
                    + (error == .ENOENT ? "; the directory must exist in the image" : "")
            }
        }
        return nil
    }

    nonisolated(unsafe) private static var anonymousMinors: UInt32 = 16

    /// A tmpfs for `--mount-fs` or `mount(2)`, which may fill half of memory.
    static func newTmpfs() -> RamFileSystem {
        ramfs(limit: PhysicalMemory.totalBytes / 2, minor: nextAnonymousMinor())
    }

    /// A fresh minor number for another in-memory file system (major 0, as Linux's anonymous
    /// devices); the boot-time ones use 1 to 15.
    static func nextAnonymousMinor() -> UInt32 {
        anonymousMinors &+= 1
        return anonymousMinors
    }

    static func diskList() -> String {
        if Devices.blockDevices.isEmpty { return "none" }
        var text = ""
        for disk in Devices.blockDevices { text += (text.isEmpty ? "/dev/" : ", /dev/") + disk.name }
        return text
    }

    /// Commits every ext4 volume's running transaction every five seconds, so a power cut
    /// loses at most that much (as Linux's default).
    private static func startCommitThread() {
        guard !commitThreadStarted else { return }
        commitThreadStarted = true
        _ = Scheduler.spawnKernelThread("ext4-commit") {
            while true {
                _ = Scheduler.sleep(until: Clock.monotonic &+ commitIntervalNanoseconds)
                for volume in ext4Volumes where !volume.isDetached { try? volume.commit() }
            }
        }
    }

    /// Before power-off: ext4 volumes are unmounted cleanly (journal checkpointed, marked
    /// clean), everything else is synced.
    static func shutdown() {
        for volume in ext4Volumes { volume.unmounted() }
        guard let vfs else { return }
        for mount in vfs.mounts { try? mount.fileSystem.sync() }
    }
}

/// Why a file system could not be mounted, for the console.
struct MountFailure: Error {
    let message: String
    let errno: Errno
    init(_ message: String, errno: Errno = .EINVAL) {
        self.message = message
        self.errno = errno
    }
}
#endif
