#if SKIFF_KERNEL
import ELF
import Memory
import Scheduling
import VFS

/// What /proc/PID/maps and status need from an address space: the names of the program's
/// segments, and a consistent copy of the areas.
extension AddressSpace {
    /// Records that `segments` hold the bytes of `file` (the program or its interpreter).
    func nameSegments(_ segments: [LoadPlan.Segment], file: OpenFile, context: FileContext) {
        let name = (try? FileSystems.vfs.pathName(of: file, in: context)) ?? []
        let attributes = try? file.attributes()
        var names: [SegmentName] = []
        for segment in segments where segment.fileSize > 0 {
            let inPage = segment.dataStart - segment.start
            guard segment.fileOffset >= inPage else { continue }
            let fileEnd = (segment.dataStart &+ segment.fileSize &+ 4095) & ~4095
            names.append(
                SegmentName(
                    start: segment.start, end: min(fileEnd, segment.end), fileOffset: segment.fileOffset - inPage,
                    name: name, device: attributes?.device ?? .none, inode: attributes?.inode ?? 0))
        }
        lock.withLock { segmentNames += names }
    }

    /// Drops the names of segments inside `[start, end)` once they are unmapped (called with
    /// the lock held), so a later mapping there is not misnamed.
    func forgetSegmentNames(_ start: UInt64, _ end: UInt64) {
        segmentNames.removeAll { $0.start >= start && $0.end <= end }
    }

    /// Everything /proc reports, copied under the lock.
    struct Report {
        var areas: [MemoryArea]
        var files: SlotMap<MappedFile>
        var segmentNames: [SegmentName]
        var heapStart: UInt64
        var heapEnd: UInt64
        var residentPages: Int
        /// Top of the main thread's stack (randomised per address space).
        var stackTop: UInt64
    }

    var report: Report {
        lock.withLock {
            Report(
                areas: map.areas, files: mappedFiles, segmentNames: segmentNames, heapStart: heapStart, heapEnd: heapEnd,
                residentPages: residentPages, stackTop: layout.stackTop)
        }
    }
}
#endif
