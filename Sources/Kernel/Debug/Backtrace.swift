#if SKIFF_KERNEL
import CKernel

/// Frame-pointer backtraces, symbolized from the table embedded in the kernel image.
enum Backtrace {
    static let maxFrames = 32

    /// Prints `#N address symbol+offset` for `rip` and each return address up the %rbp chain.
    static func write(rip: UInt64, rbp: UInt64) {
        Console.writeLine("  backtrace:")
        var index: UInt64 = 0
        if rip != 0 {
            line(index, rip)
            index += 1
        }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: maxFrames) { frames in
            let n = collect(rbp: rbp, into: frames.baseAddress!, capacity: maxFrames - Int(index))
            for i in 0..<n {
                line(index, frames[i])
                index += 1
            }
        }
    }

    /// Return addresses up the %rbp chain from `rbp` (each minus one, so it points into the
    /// call), at most `capacity`; returns how many. Never faults and never allocates.
    static func collect(rbp: UInt64, into frames: UnsafeMutablePointer<UInt64>, capacity: Int) -> Int {
        var n = 0
        var frame = rbp
        while n < capacity, isPlausibleFrame(frame) {
            let pointer = UnsafePointer<UInt64>(bitPattern: UInt(frame))!
            let returnAddress = pointer[1]
            if returnAddress == 0 { break }
            frames[n] = returnAddress &- 1
            n += 1
            let next = pointer[0]
            if next <= frame { break }
            frame = next
        }
        return n
    }

    private static func line(_ index: UInt64, _ address: UInt64) {
        Console.write("    #")
        Console.writeDecimal(index)
        Console.write(" ")
        Console.writeHex(address)
        Console.write(" ")
        writeSymbol(address)
        Console.writeLine("")
    }

    /// `name+0xoffset`, or `?` outside the kernel's text.
    static func writeSymbol(_ address: UInt64) {
        guard let symbol = KernelSymbols.lookup(address) else {
            Console.write("?")
            return
        }
        Console.write(bytes: UnsafeRawBufferPointer(symbol.name))
        Console.write("+")
        Console.writeHex(symbol.offset, digits: 1 + (symbol.offset > 0xF ? 1 : 0) + (symbol.offset > 0xFF ? 1 : 0) + (symbol.offset > 0xFFF ? 1 : 0))
    }

    /// A frame pointer must be 8-byte aligned and inside kernel memory we can read.
    private static func isPlausibleFrame(_ rbp: UInt64) -> Bool {
        guard rbp != 0, rbp & 7 == 0 else { return false }
        let inImage = rbp >= UInt64(skiff_kernel_start()) && rbp + 16 <= UInt64(skiff_kernel_end())
        if inImage { return true }
        guard rbp >= DirectMap.base, rbp < KernelStack.regionBase + (1 << 39) else { return false }
        return DirectMap.isMapped(rbp) && DirectMap.isMapped(rbp + 8)
    }
}
#endif
