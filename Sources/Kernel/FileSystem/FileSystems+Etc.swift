#if SKIFF_KERNEL
import LinuxABI
import Net
import VFS

/// `/etc/resolv.conf` and `/etc/hosts` for the application, from the network configuration
/// found at boot (DHCP, `--nameserver`, router advertisements), as a container runtime writes
/// them.
///
/// The application image is read-only, so when it is the root, `/etc` becomes a tmpfs holding a
/// copy of the image's `/etc` (usually a handful of small files) plus the generated files, which
/// replace any the image had. A writable ramfs root gets the files written in place. An ext4
/// root is the user's own system, like a Linux VM's disk, and is left alone, as is a host folder.
extension FileSystems {
    @_optimize(size)  // boot-time only: the kernel must fit in 3 MiB (docs/memory.md)
    static func provideNameResolution() {
        guard let vfs, !rootIsExt4, !rootIsShare else { return }
        let nameServers = (try? Network.inspect { (stack) throws(NetError) -> [IPAddress] in stack.nameServers }) ?? []
        let addresses = Network.describeAddresses().map { $0.address }
        let resolvConf = ResolverFiles.resolvConf(nameServers: nameServers)
        let hosts = ResolverFiles.hosts(hostname: Array("skiff".utf8), addresses: addresses)
        let context = vfs.makeContext(umask: 0)
        if rootIsImage {
            let etc = ramfs(limit: 1 << 20, minor: nextAnonymousMinor(), rootPermissions: 0o755)
            let copy = VirtualFileSystem(root: etc, lockFactory: lockFactory)
            let copyContext = copy.makeContext(umask: 0)
            if let imageEtc = try? vfs.lookup(Array("/etc".utf8), in: context, options: .directory) {
                copyTree(imageEtc.node, to: copy, path: [], context: copyContext)
            } else if (try? vfs.lookup(Array("/etc".utf8), in: context)) == nil {
                return  // no /etc to mount on in a read-only image: nothing to provide
            }
            write(resolvConf, to: Array("/resolv.conf".utf8), in: copy, context: copyContext)
            write(hosts, to: Array("/hosts".utf8), in: copy, context: copyContext)
            do throws(Errno) {
                try vfs.mount(etc, at: Array("/etc".utf8), in: context, source: name("tmpfs"), typeName: name("tmpfs"))
            } catch {
                log("/etc: cannot provide resolv.conf and hosts (\(String(error.name)))")
            }
        } else {
            write(resolvConf, to: Array("/etc/resolv.conf".utf8), in: vfs, context: context)
            write(hosts, to: Array("/etc/hosts".utf8), in: vfs, context: context)
        }
    }

    /// Copies the directory `source` (files, symlinks, subdirectories, with their modes) into
    /// `destination` at `path`. Best effort: what cannot be read is skipped.
    private static func copyTree(_ source: VNode, to destination: VirtualFileSystem, path: [UInt8], context: FileContext) {
        var items: [DirectoryItem] = []
        try? source.readDirectory(from: 0) { item in
            if !(item.name == [0x2E] || item.name == [0x2E, 0x2E]) { items.append(item) }
            return true
        }
        for item in items {
            guard let node = try? source.lookup(item.name), let attributes = try? node.attributes() else { continue }
            let target = path + [0x2F] + item.name
            switch attributes.type {
            case .directory:
                guard (try? destination.makeDirectory(target, in: context, mode: attributes.permissions)) != nil else { continue }
                copyTree(node, to: destination, path: target, context: context)
            case .symlink:
                if let link = try? node.readLink() { _ = try? destination.makeSymlink(target, target: link, in: context) }
            case .regular:
                guard attributes.size <= 256 << 10 else { continue }  // /etc holds small files
                var bytes = [UInt8](repeating: 0, count: Int(attributes.size))
                let count = bytes.withUnsafeMutableBytes { buffer in (try? node.read(at: 0, into: buffer)) ?? 0 }
                guard count == bytes.count else { continue }
                write(bytes, to: target, in: destination, context: context, mode: attributes.permissions)
            default:
                continue
            }
        }
    }

    private static func write(
        _ bytes: [UInt8], to path: [UInt8], in vfs: VirtualFileSystem, context: FileContext, mode: UInt32 = 0o644
    ) {
        let flags = FileConstants.O_WRONLY | FileConstants.O_CREAT | FileConstants.O_TRUNC
        guard let file = try? vfs.open(path, in: context, flags: flags, mode: mode) else { return }
        _ = bytes.withUnsafeBytes { buffer in try? file.write(from: buffer) }
    }
}
#endif
