#if SKIFF_KERNEL
import Memory
import ProcFS
import Scheduling
import VFS

/// /proc/PID/maps: the areas of a process's address space, split where the program's segment
/// names start and end, named by file path, `[heap]`, `[stack]`, `[vdso]` or `[vvar]`.
enum ProcMemoryMaps {
    static func render(_ process: Process) -> [UInt8] {
        if process.isZombie { return [] }
        return MapsEntry.render(entries(process.addressSpace.report))
    }

    static func entries(_ report: AddressSpace.Report) -> [MapsEntry] {
        var result: [MapsEntry] = []
        for area in report.areas where !area.attributes.flags.contains(.unmapping) {
            let a = area.attributes
            var entry = MapsEntry(
                start: area.start, end: area.end, readable: a.protection.contains(.read),
                writable: a.protection.contains(.write), executable: a.protection.contains(.execute),
                shared: a.kind == .sharedFile || a.kind == .sharedAnonymous)
            switch a.kind {
            case .privateFile, .sharedFile, .sharedAnonymous:
                if let file = report.files[Int(a.file) - 1] {
                    entry.name = file.name
                    entry.offset = a.fileOffset
                    if let attributes = try? file.node?.attributes() {
                        entry.device = attributes.device
                        entry.inode = attributes.inode
                    }
                }
                result.append(entry)
            case .heap:
                entry.name = Array("[heap]".utf8)
                result.append(entry)
            case .stack:
                if area.end == report.stackTop { entry.name = Array("[stack]".utf8) }
                result.append(entry)
            case .vdso:
                entry.name = Array("[vdso]".utf8)
                result.append(entry)
            case .vvar:
                entry.name = Array("[vvar]".utf8)
                result.append(entry)
            case .anonymous:
                appendNamed(entry, names: report.segmentNames, to: &result)
            }
        }
        return result
    }

    /// An anonymous area, split into the parts the loader filled from a file (named after
    /// it, with their file offsets) and the parts it did not (.bss, other anonymous memory).
    static func appendNamed(_ area: MapsEntry, names: [AddressSpace.SegmentName], to result: inout [MapsEntry]) {
        var cursor = area.start
        for name in names.sorted(by: { $0.start < $1.start }) where name.end > cursor && name.start < area.end {
            if name.start > cursor {
                var gap = area
                gap.start = cursor
                gap.end = name.start
                result.append(gap)
                cursor = name.start
            }
            var part = area
            part.start = cursor
            part.end = min(name.end, area.end)
            part.offset = name.fileOffset &+ (cursor - name.start)
            part.device = name.device
            part.inode = name.inode
            part.name = name.name
            result.append(part)
            cursor = part.end
        }
        if cursor < area.end {
            var rest = area
            rest.start = cursor
            result.append(rest)
        }
    }
}
#endif
