#if SKIFF_KERNEL
import Boot
import ImageFS

/// The application image the VMM passed as the PVH module (QEMU `-initrd`), read in place
/// through the direct map: file data is never copied out of it unless written to.
enum BootImage {
    nonisolated(unsafe) static var reader: ImageReader<MemoryImageStorage>? = nil
    nonisolated(unsafe) static var physicalStart: UInt64 = 0
    nonisolated(unsafe) static var size: UInt64 = 0

    /// Opens the first module as an image. An image that fails validation is reported and
    /// not used.
    static func open(modules: [PVHModule]) {
        guard let module = modules.first, module.size > 0 else { return }
        let bytes = UnsafeRawBufferPointer(start: DirectMap.pointer(module.address), count: Int(module.size))
        do throws(ImageError) {
            reader = try ImageReader(storage: MemoryImageStorage(bytes))
            physicalStart = module.address
            size = module.size
        } catch {
            log("the application image is not usable: " + error.message)
        }
    }

    /// A file's bytes, in place, after following symlinks; nil when absent or not a file.
    static func file(_ path: [UInt8]) -> (UnsafeRawBufferPointer, FileExtent)? {
        guard let r = reader else { return nil }
        var current = path
        for _ in 0..<40 {
            do throws(ImageError) {
                switch try r.resolve(current) {
                case .found(let inode):
                    guard try r.type(of: inode) == .regular else { return nil }
                    return (try r.contents(of: inode), try r.extent(of: inode))
                case .symlink(let link, let parent, let remainder):
                    let target = try r.readlink(link)
                    var base: [UInt8]
                    if target.first == UInt8(ascii: "/") {
                        base = target
                    } else {
                        base = directoryPath(of: parent, in: r) + [UInt8(ascii: "/")] + target
                    }
                    if !remainder.isEmpty { base += [UInt8(ascii: "/")] + remainder }
                    current = base
                }
            } catch {
                return nil
            }
        }
        return nil
    }

    private static func directoryPath(of inode: InodeNumber, in r: ImageReader<MemoryImageStorage>) -> [UInt8] {
        var names: [[UInt8]] = []
        var node = inode
        while node != r.root {
            guard let parent = try? r.parent(of: node) else { break }
            var cursor: UInt64 = 2
            while let e = try? r.directoryEntry(in: parent, at: cursor) {
                if e.inode == node {
                    names.append(e.name)
                    break
                }
                cursor = e.nextCursor
            }
            node = parent
        }
        var path: [UInt8] = []
        for n in names.reversed() { path += [UInt8(ascii: "/")] + n }
        return path
    }
}
#endif
