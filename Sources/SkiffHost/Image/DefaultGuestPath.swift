/// Where a host path lands in the image. The same path, unless the guest mounts a file
/// system over that folder at boot (/tmp is a tmpfs; /dev, /proc and /sys are the kernel's),
/// where the file would be hidden: those move under `/host`, so `skiff run /tmp/build/server`
/// runs `/host/tmp/build/server`, with its `$ORIGIN` libraries beside it.
public enum DefaultGuestPath {
    /// The folders the kernel mounts over (Kernel/FileSystem/FileSystems.swift).
    public static let shadowedFolders = ["/tmp", "/dev", "/proc", "/sys"]
    public static let prefix = "/host"

    /// The folder whose boot-time mount would hide `path`, if any.
    public static func hidingFolder(of path: String) -> String? {
        shadowedFolders.first { path.hasPrefix($0 + "/") }
    }

    /// `path` itself, or its place under `/host` when a boot-time mount would hide it.
    public static func visible(_ path: String) -> String {
        hidingFolder(of: path) == nil ? path : prefix + path
    }
}

extension ImageSpec {
    /// Moves entries a boot-time mount would hide to their `DefaultGuestPath.visible` place,
    /// along with the absolute symlink targets and command arguments that name them (or a path
    /// inside them); `note` hears of each folder moved. Other paths in those folders are the
    /// guest's own: a link to /proc/mounts (OSv's /etc/mnttab) or an argument /tmp/out.txt
    /// keeps its path.
    mutating func moveHiddenEntries(note: (String) -> Void) {
        let hidden = Set(entries.map(\.path).filter { DefaultGuestPath.hidingFolder(of: $0) != nil })
        func follow(_ path: String) -> String {
            var ancestor = Self.normalize(path)
            while DefaultGuestPath.hidingFolder(of: ancestor) != nil {
                if hidden.contains(ancestor) { return DefaultGuestPath.visible(path) }
                ancestor = String(ancestor[..<(ancestor.lastIndex(of: "/") ?? ancestor.startIndex)])
            }
            return path
        }
        var moved = ImageSpec()
        moved.config = config
        moved.config.command = config.command.map(follow)
        var folders: [String] = []
        for (path, node) in entries {
            var node = node
            if case .symlink(let target) = node, target.hasPrefix("/") {
                node = .symlink(target: follow(target))
            }
            guard let folder = DefaultGuestPath.hidingFolder(of: path) else {
                moved.set(path, node)
                continue
            }
            if !folders.contains(folder) {
                folders.append(folder)
                note("\(folder) is mounted over in the guest: files from \(folder) go under \(DefaultGuestPath.prefix)\(folder)")
            }
            moved.set(DefaultGuestPath.prefix + path, node)
        }
        self = moved
    }
}
