/// Where an application's pieces go in its address space: the base of a position-independent
/// executable, the heap's start after the program, the top of the main thread's stack, and the
/// top of the area `mmap` searches downwards from (where the interpreter, libraries and thread
/// stacks land).
///
/// With address-space layout randomisation each is moved by a random number of pages when a
/// program is loaded, with Linux's x86-64 amounts of entropy: 28 bits for the executable base
/// and the mmap area (up to 1 TiB), 22 bits for the stack (up to 16 GiB), 13 bits for the heap
/// (up to 32 MiB). An attacker who needs an address must then guess it. `fixed` is the layout
/// `--no-aslr` gives, the same on every run (useful under a debugger).
public struct AddressSpaceLayout: Equatable, Sendable {
    /// Where a PIE's lowest segment goes (its load bias).
    public var executableBase: UInt64
    /// Top of the main thread's stack.
    public var stackTop: UInt64
    /// `mmap` without a hint searches downwards from here.
    public var mmapTop: UInt64
    /// Bytes between the end of the program and the start of the heap (`brk`).
    public var heapGap: UInt64

    public static let pageSize: UInt64 = 4096
    /// Linux's ELF_ET_DYN_BASE for 47-bit address spaces.
    public static let fixedExecutableBase: UInt64 = 0x5555_5555_4000
    public static let fixedStackTop: UInt64 = 0x6FFF_FFFF_F000
    /// The main stack's reservation, and the gap kept between it and the mmap area.
    public static let stackReservation: UInt64 = 8 << 20
    public static let stackGuardGap: UInt64 = 256 << 20
    public static let executableRandomBits = 28
    public static let mmapRandomBits = 28
    public static let stackRandomBits = 22
    public static let heapRandomBits = 13

    public static let fixed = AddressSpaceLayout(
        executableBase: fixedExecutableBase, stackTop: fixedStackTop,
        mmapTop: fixedStackTop - (16 << 30) - stackReservation - stackGuardGap, heapGap: 0)

    /// A layout moved by `random` (called once per piece, any 64-bit values).
    public static func randomized(_ random: () -> UInt64) -> AddressSpaceLayout {
        func pages(_ bits: Int) -> UInt64 { (random() & ((1 << UInt64(bits)) - 1)) * pageSize }
        let stackTop = fixedStackTop - pages(stackRandomBits)
        // The mmap area starts below the lowest stack the randomisation can give, so the two
        // never meet whatever both draw.
        let mmapTop = fixed.mmapTop - pages(mmapRandomBits)
        return AddressSpaceLayout(
            executableBase: fixedExecutableBase + pages(executableRandomBits), stackTop: stackTop, mmapTop: mmapTop,
            heapGap: pages(heapRandomBits))
    }
}
