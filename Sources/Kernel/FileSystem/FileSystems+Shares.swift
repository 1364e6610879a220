#if SKIFF_KERNEL
import LinuxABI
import NineP
import VFS

/// Host folders in the file-system tree: a virtio-9p share mounted anywhere
/// (`--mount-fs=9p,TAG,/path`, which `skiff run --share` passes, or `mount(2)` with type 9p and
/// the tag as source) or as root (`--rootfs=9p[,TAG]`). Each mount attaches anew within the
/// channel's one 9P session.
extension FileSystems {
    /// The share with mount tag `tag`.
    static func share(tagged tag: [UInt8]) -> VirtioNinePDevice? {
        Devices.shares.first { $0.tag == tag }
    }

    /// Mounts share `tag`; the error is a message for the console, ENOENT for an unknown tag
    /// (as Linux's "no channels available").
    static func mountShare(_ tag: [UInt8]) -> Result<NinePFileSystem, MountFailure> {
        let name = String(decoding: tag, as: UTF8.self)
        guard let share = share(tagged: tag) else {
            var known = ""
            for share in Devices.shares { known += (known.isEmpty ? "" : ", ") + String(decoding: share.tag, as: UTF8.self) }
            return .failure(
                MountFailure(
                    "no 9p share tagged " + name + " (shares: " + (known.isEmpty ? "none" : known) + ")", errno: .ENOENT))
        }
        do throws(Errno) {
            let fileSystem = try NinePFileSystem(
                client: try share.session(), device: DeviceNumber(major: 0, minor: nextAnonymousMinor()),
                lockFactory: lockFactory)
            return .success(fileSystem)
        } catch {
            return .failure(MountFailure("9p share " + name + ": " + String(error.name), errno: error))
        }
    }
}
#endif
