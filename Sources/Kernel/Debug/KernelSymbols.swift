#if SKIFF_KERNEL
import CKernel

/// The kernel's function symbols, appended to the image at build time by
/// `skiff dev embed-symbols` (see Sources/SkiffHost/KernelSymbolTable.swift for the format):
/// a header `KSYM`, version, count, string-table size; `count` entries of
/// (address: u64, size: u32, name offset: u32) sorted by address; then NUL-terminated names.
enum KernelSymbols {
    struct Symbol {
        var name: UnsafeBufferPointer<UInt8>
        var offset: UInt64
    }

    private static let magic: UInt32 = 0x4D59_534B  // "KSYM"

    private static var table: UnsafeRawPointer? {
        let base = UnsafeRawPointer(bitPattern: UInt(skiff_ksyms_start()))!
        guard base.loadUnaligned(as: UInt32.self) == magic,
            base.loadUnaligned(fromByteOffset: 4, as: UInt32.self) == 1
        else { return nil }
        return base
    }

    /// The number of symbols embedded, or 0 when the image carries none.
    static var count: Int {
        guard let t = table else { return 0 }
        return Int(t.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    }

    /// Bytes the table occupies after the kernel image (memory the allocator must not hand out).
    static var byteSize: Int {
        guard let t = table else { return 0 }
        let count = Int(t.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let strings = Int(t.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        return 16 + count * 16 + strings
    }

    static func lookup(_ address: UInt64) -> Symbol? {
        guard let t = table else { return nil }
        let count = Int(t.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let entries = t + 16
        let strings = entries + count * 16
        // Last entry whose address is <= the one we look for.
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if entries.loadUnaligned(fromByteOffset: mid * 16, as: UInt64.self) <= address {
                low = mid + 1
            } else {
                high = mid
            }
        }
        guard low > 0 else { return nil }
        let i = low - 1
        let start = entries.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self)
        let size = UInt64(entries.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt32.self))
        let nameOffset = Int(entries.loadUnaligned(fromByteOffset: i * 16 + 12, as: UInt32.self))
        if size != 0 && address >= start + size { return nil }
        let name = (strings + nameOffset).assumingMemoryBound(to: UInt8.self)
        var length = 0
        while name[length] != 0 && length < 512 { length += 1 }
        return Symbol(name: UnsafeBufferPointer(start: name, count: length), offset: address - start)
    }
}
#endif
