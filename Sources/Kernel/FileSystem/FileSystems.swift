#if SKIFF_KERNEL
import Boot
import ImageFS
import Storage
import LinuxABI
import ProcFS
import VFS

/// The file-system tree every application sees, assembled at boot:
///
///     /          the application image (read-only), a ramfs with --rootfs=ramfs, ext4 on
///                the first disk with --rootfs=ext, or a host folder with --rootfs=9p
///     /dev       devfs: null, zero, full, random, urandom, console, tty, std* links, shm/
///     /dev/shm   tmpfs
///     /tmp       tmpfs
///     /proc      procfs (ProcFileSystem), where the image has the directory
///     /sys       sysfs (SysFileSystem), likewise
///
/// plus whatever `--mount-fs` asks for (`FileSystems+Disks.swift`).
enum FileSystems {
    nonisolated(unsafe) static var vfs: VirtualFileSystem! = nil
    nonisolated(unsafe) static let lockFactory = KernelLockFactory()
    nonisolated(unsafe) static let devices = CharacterDevices()
    nonisolated(unsafe) static let pages = FramePageAllocator()
    /// Whether `/` is the read-only application image, a disk's ext4 volume, or a host folder.
    nonisolated(unsafe) static var rootIsImage = false
    nonisolated(unsafe) static var rootIsExt4 = false
    nonisolated(unsafe) static var rootIsShare = false

    static func ramfs(limit: UInt64, minor: UInt32, magic: Int64 = 0x0102_1994, rootPermissions: UInt32 = 0o1777) -> RamFileSystem {
        var options = RamFileSystemOptions()
        options.sizeLimit = limit
        options.rootPermissions = rootPermissions
        options.device = DeviceNumber(major: 0, minor: minor)
        options.magic = magic
        return RamFileSystem(
            options: options, clock: { Timespec(totalNanoseconds: Clock.realtime) }, lockFactory: lockFactory,
            pageAllocator: pages)
    }

    /// Builds the tree. Returns an error message when the requested root cannot be mounted.
    @_optimize(size)  // boot-time only: the kernel must fit in 3 MiB (docs/memory.md)
    static func mountAll(options: BootOptions) -> String? {
        var root: any FileSystem
        var rootFlags: MountFlags = []
        makeDiskNodes()
        var rootSource = name("rootfs")
        if options.rootFileSystem == .ninep {
            guard let tag = options.rootShare.map({ Array($0.utf8) }) ?? Devices.shares.first?.tag else {
                return "--rootfs=9p: no 9p share (skiff run --share, or -device virtio-9p-…,mount_tag=TAG)"
            }
            switch mountShare(tag) {
            case .success(let share):
                root = share
                rootIsShare = true
                rootSource = tag
            case .failure(let failure): return "--rootfs=9p: " + failure.message
            }
        } else if options.rootFileSystem == .ext {
            guard let disk = Devices.blockDevices.first else {
                return "--rootfs=ext: no disk (attach one with -drive if=virtio, or skiff run --disk)"
            }
            switch mountExt4(disk, readOnly: false) {
            case .success(let volume):
                root = volume
                rootIsExt4 = true
            case .failure(let failure): return "--rootfs=ext: " + failure.message
            }
        } else if options.rootFileSystem == .ramfs || BootImage.physicalStart == 0 {
            root = ramfs(limit: PhysicalMemory.totalBytes / 2, minor: 1)
        } else {
            let bytes = UnsafeRawBufferPointer(start: DirectMap.pointer(BootImage.physicalStart), count: Int(BootImage.size))
            do throws(Errno) {
                root = try makeMemoryImageFileSystem(MemoryImageStorage(bytes), lockFactory: lockFactory)
                rootFlags = [.readOnly]
                rootIsImage = true
            } catch {
                return "the application image cannot be mounted (\(String(error.name)))"
            }
        }
        let typeName: StaticString = rootIsShare ? "9p" : rootIsExt4 ? "ext4" : rootIsImage ? "skiffimg" : "tmpfs"
        if rootIsExt4 { rootSource = name("/dev/vda") }
        if rootIsImage { rootSource = name("image") }
        let v = VirtualFileSystem(
            root: root, flags: rootFlags, lockFactory: lockFactory, source: rootSource, typeName: name(typeName))
        v.deviceOpener = devices
        vfs = v
        let context = v.makeContext()
        if rootFlags.isEmpty && !root.isReadOnly {
            for dir in ["/dev", "/proc", "/sys", "/tmp", "/etc"] {
                _ = try? v.makeDirectory(Array(dir.utf8), in: context, mode: 0o755)
            }
        }
        let memory = PhysicalMemory.totalBytes
        do throws(Errno) {
            try v.mount(makeDevFS(), at: Array("/dev".utf8), in: context, source: name("devtmpfs"), typeName: name("devtmpfs"))
            try v.mount(
                ramfs(limit: memory / 2, minor: 3), at: Array("/dev/shm".utf8), in: context, source: name("shm"),
                typeName: name("tmpfs"))
            try v.mount(
                ramfs(limit: memory / 2, minor: 4), at: Array("/tmp".utf8), in: context, source: name("tmpfs"),
                typeName: name("tmpfs"))
        } catch {
            return "cannot mount /dev or /tmp (\(String(error.name))); does the image have those directories?"
        }
        // procfs and sysfs where the image has the directories (every image skiff builds does).
        let hidden: MountFlags = [.noSetuid, .noDevices, .noExec]
        _ = try? v.mount(ProcFileSystem.make(), at: name("/proc"), in: context, flags: hidden, source: name("proc"), typeName: name("proc"))
        _ = try? v.mount(SysFileSystem.make(), at: name("/sys"), in: context, flags: hidden, source: name("sysfs"), typeName: name("sysfs"))
        return mountRequested(options.mounts, vfs: v, context: context)
    }

    static func name(_ text: StaticString) -> [UInt8] { text.withUTF8Buffer { Array($0) } }

    /// procfs or sysfs: a file system whose root lists `entries` when read.
    static func synthetic(magic: Int64, minor: UInt32, entries: @escaping () -> [SyntheticEntry]) -> SyntheticFileSystem {
        SyntheticFileSystem(
            magic: magic, device: DeviceNumber(major: 0, minor: minor),
            clock: { Timespec(totalNanoseconds: Clock.realtime) }, entries: { _ in entries() })
    }

    /// devfs: a small ramfs holding the device nodes and the usual links.
    @_optimize(size)  // boot-time only: the kernel must fit in 3 MiB (docs/memory.md)
    static func makeDevFS() -> RamFileSystem {
        let fs = ramfs(limit: 1 << 20, minor: 2, rootPermissions: 0o755)
        let v = VirtualFileSystem(root: fs, lockFactory: lockFactory)
        let context = v.makeContext(umask: 0)
        let nodes: [(String, DeviceNumber, UInt32)] = [
            ("/null", CharacterDevices.null, 0o666), ("/zero", CharacterDevices.zero, 0o666),
            ("/full", CharacterDevices.full, 0o666), ("/random", CharacterDevices.random, 0o666),
            ("/urandom", CharacterDevices.urandom, 0o666), ("/tty", CharacterDevices.tty, 0o666),
            ("/console", CharacterDevices.console, 0o600),
        ]
        for (name, device, permissions) in nodes {
            _ = try? v.makeNode(Array(name.utf8), in: context, mode: UInt32(FileConstants.S_IFCHR) | permissions, device: device)
        }
        for (link, target) in [
            ("/stdin", "/proc/self/fd/0"), ("/stdout", "/proc/self/fd/1"), ("/stderr", "/proc/self/fd/2"),
            ("/fd", "/proc/self/fd"),
        ] {
            _ = try? v.makeSymlink(Array(link.utf8), target: Array(target.utf8), in: context)
        }
        for disk in diskNodes {
            _ = try? v.makeNode(
                Array(("/" + disk.disk.name).utf8), in: context, mode: UInt32(FileConstants.S_IFBLK) | 0o660,
                device: disk.number)
        }
        _ = try? v.makeDirectory(Array("/shm".utf8), in: context, mode: 0o1777)
        _ = try? v.makeDirectory(Array("/pts".utf8), in: context, mode: 0o755)
        return fs
    }
}
#endif
