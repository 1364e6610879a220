/// Where a host path lands in the image. The same path, unless the guest mounts a file
/// system over that folder at boot (/tmp is a tmpfs; /dev, /proc and /sys are the kernel's),
/// where the file would be hidden: those move under `/host`, so `skiff run /tmp/build/server`
/// runs `/host/tmp/build/server`, with its `$ORIGIN` libraries beside it.
public enum DefaultGuestPath {
    /// The folders the kernel mounts over (Kernel/FileSystem/FileSystems.swift).
    public static let shadowedFolders = ["/tmp", "/dev", "/proc", "/sys"]
    public static let prefix = "/host"

    /// `path` itself, or its place under `/host` when a boot-time mount would hide it.
    public static func visible(_ path: String) -> String {
        for folder in shadowedFolders where path.hasPrefix(folder + "/") {
            return prefix + path
        }
        return path
    }
}

extension ImageSpec {
    /// Moves entries a boot-time mount would hide to their `DefaultGuestPath.visible` place,
    /// along with absolute symlink targets and the command's paths; `note` hears of each
    /// folder moved.
    mutating func moveHiddenEntries(note: (String) -> Void) {
        var moved = ImageSpec()
        moved.config = config
        moved.config.command = config.command.map(DefaultGuestPath.visible)
        var folders: [String] = []
        for (path, node) in entries {
            var node = node
            if case .symlink(let target) = node, target.hasPrefix("/") {
                node = .symlink(target: DefaultGuestPath.visible(target))
            }
            let place = DefaultGuestPath.visible(path)
            if place != path, let folder = DefaultGuestPath.shadowedFolders.first(where: { path.hasPrefix($0 + "/") }),
                !folders.contains(folder)
            {
                folders.append(folder)
                note("\(folder) is mounted over in the guest: files from \(folder) go under \(DefaultGuestPath.prefix)\(folder)")
            }
            moved.set(place, node)
        }
        self = moved
    }
}
