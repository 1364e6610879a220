#if SKIFF_KERNEL
import Ext4
import LinuxABI
import VFS

/// mount and umount2: what `mount -t ext4 /dev/vdb /data` and an init system use. ext4 (also
/// asked for as ext2/ext3) on a disk's device node, 9p shares by mount tag
/// (`mount -t 9p -o trans=virtio TAG /path`), and tmpfs/ramfs; the kernel's own trees
/// (proc, sysfs, devtmpfs) are mounted at boot, so asking for them again where they already
/// are succeeds, as an idempotent init expects.
extension Syscalls {
    static let MS_RDONLY: UInt64 = 1
    static let MS_NOSUID: UInt64 = 2
    static let MS_NODEV: UInt64 = 4
    static let MS_NOEXEC: UInt64 = 8
    static let MS_REMOUNT: UInt64 = 32
    static let MS_BIND: UInt64 = 4096
    static let MS_MOVE: UInt64 = 8192
    /// mount(source, target, type, flags, data)
    static func mount(_ a: SyscallArguments) -> SyscallResult {
        let flags = a.a3
        guard flags & (MS_REMOUNT | MS_BIND | MS_MOVE) == 0 else { return .failure(.EINVAL) }
        let target: [UInt8]
        switch path(a.a1) {
        case .success(let p): target = p
        case .failure(let e): return .failure(e)
        }
        guard a.a2 != 0 else { return .failure(.EINVAL) }
        let type: [UInt8]
        switch UserMemory.string(at: a.a2, maximum: 255) {
        case .success(let t): type = t
        case .failure(let e): return .failure(e)
        }
        var mountFlags: MountFlags = []
        if flags & MS_RDONLY != 0 { mountFlags.insert(.readOnly) }
        if flags & MS_NOSUID != 0 { mountFlags.insert(.noSetuid) }
        if flags & MS_NODEV != 0 { mountFlags.insert(.noDevices) }
        if flags & MS_NOEXEC != 0 { mountFlags.insert(.noExec) }
        return attempt { () throws(Errno) -> Int in
            guard context.credentials.isSuperuser else { throw .EPERM }
            let fileSystem: any FileSystem
            var source = type
            let kind = MountableType(name: type)
            switch kind {
            case .ext4?:
                guard a.a0 != 0 else { throw .ENOTBLK }
                switch path(a.a0) {
                case .success(let p): source = p
                case .failure(let e): throw e
                }
                let device = try vfs.lookup(source, in: context)
                let attributes = try device.node.attributes()
                guard attributes.type == .blockDevice else { throw .ENOTBLK }
                guard let disk = FileSystems.diskNode(attributes.specialDevice)?.disk else { throw .ENXIO }
                switch FileSystems.mountExt4(disk, readOnly: mountFlags.contains(.readOnly)) {
                case .success(let volume): fileSystem = volume
                case .failure(let failure):
                    log(failure.message)
                    throw failure.errno
                }
            case .tmpfs?:
                fileSystem = FileSystems.newTmpfs()
            case .ninep?:
                // The source is the mount tag; the options ("trans=virtio", …) have one meaning.
                guard a.a0 != 0 else { throw .EINVAL }
                switch UserMemory.string(at: a.a0, maximum: 255) {
                case .success(let tag): source = tag
                case .failure(let e): throw e
                }
                switch FileSystems.mountShare(source) {
                case .success(let share): fileSystem = share
                case .failure(let failure):
                    log("mount: " + failure.message)
                    throw failure.errno
                }
            case .kernelTree?:
                // Already mounted by the kernel: fine where they are, refused elsewhere.
                let location = try vfs.lookup(target, in: context, options: .directory)
                if location.node === location.mount.root { return 0 }
                throw .EBUSY
            case nil:
                throw .ENODEV
            }
            do throws(Errno) {
                try vfs.mount(fileSystem, at: target, in: context, flags: mountFlags, source: source, typeName: kind?.typeName ?? [])
            } catch {
                fileSystem.unmounted()
                throw error
            }
            return 0
        }
    }

    /// umount2(target, flags)
    static func umount2(_ a: SyscallArguments) -> SyscallResult {
        let known = UnmountFlags([.force, .detach, .noFollow]).rawValue | 4  // 4: MNT_EXPIRE
        guard a.a1 & ~UInt64(known) == 0, a.a1 & 4 == 0 else { return .failure(.EINVAL) }
        return at(FileConstants.AT_FDCWD, a.a0) { p, _ throws(Errno) in
            try vfs.unmount(p, in: context, flags: UnmountFlags(rawValue: Int(a.a1)))
            return 0
        }
    }
}
#endif
