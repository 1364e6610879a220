#if SKIFF_KERNEL
import CKernel
import LinuxABI

/// Access to application memory from system calls.
///
/// Every pointer an application passes is checked to lie entirely between `floor` and `limit`
/// and is copied with the fault-tolerant routines in user_copy.S: an unmapped or protected page
/// becomes `EFAULT`, never a kernel panic. The bounds matter because the kernel is mapped in
/// every address space, supervisor-only: user mode cannot touch it, but a copy made in kernel
/// mode could, so a pointer into the kernel must be refused before any copy starts.
enum UserMemory {
    /// The first address of user space: the kernel image is identity-mapped below it (the
    /// first two 2 MiB page-directory entries, shared by every address space).
    static let floor: UInt64 = 0x40_0000
    /// The first address above user space: the direct map begins here.
    static let limit: UInt64 = 0x7000_0000_0000

    static func isValid(_ address: UInt64, _ length: Int) -> Bool {
        guard length >= 0 else { return false }
        if length == 0 { return true }
        let (end, overflow) = address.addingReportingOverflow(UInt64(length))
        return !overflow && address >= floor && end <= limit
    }

    /// Copies `length` bytes from the application into `destination`.
    static func copyIn(_ destination: UnsafeMutableRawPointer, from address: UInt64, length: Int) -> Errno? {
        guard length > 0 else { return nil }
        guard isValid(address, length) else { return .EFAULT }
        let missed = skiff_user_copy(destination, UnsafeRawPointer(bitPattern: UInt(address)), UInt64(length))
        return missed == 0 ? nil : .EFAULT
    }

    /// Copies bytes to the application.
    static func copyOut(_ source: UnsafeRawPointer, to address: UInt64, length: Int) -> Errno? {
        guard length > 0 else { return nil }
        guard isValid(address, length) else { return .EFAULT }
        let missed = skiff_user_copy(UnsafeMutableRawPointer(bitPattern: UInt(address)), source, UInt64(length))
        return missed == 0 ? nil : .EFAULT
    }

    static func copyOut(_ bytes: [UInt8], to address: UInt64) -> Errno? {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            return copyOut(base, to: address, length: raw.count)
        }
    }

    static func read(_ address: UInt64, count: Int) -> Result<[UInt8], Errno> {
        var bytes = [UInt8](repeating: 0, count: count)
        let error = bytes.withUnsafeMutableBytes { raw -> Errno? in
            guard let base = raw.baseAddress else { return nil }
            return copyIn(base, from: address, length: count)
        }
        if let error { return .failure(error) }
        return .success(bytes)
    }

    static func load<T: FixedWidthInteger>(_ type: T.Type, at address: UInt64) -> Result<T, Errno> {
        var value: T = 0
        let error = withUnsafeMutableBytes(of: &value) { copyIn($0.baseAddress!, from: address, length: $0.count) }
        if let error { return .failure(error) }
        return .success(T(littleEndian: value))
    }

    static func store<T: FixedWidthInteger>(_ value: T, at address: UInt64) -> Errno? {
        var v = value.littleEndian
        return withUnsafeBytes(of: &v) { copyOut($0.baseAddress!, to: address, length: $0.count) }
    }

    /// A NUL-terminated string such as a path; `ENAMETOOLONG` beyond `maximum` bytes.
    static func string(at address: UInt64, maximum: Int = 4096) -> Result<[UInt8], Errno> {
        guard address >= floor, address < limit else { return .failure(.EFAULT) }
        let readable = Int(min(UInt64(maximum + 1), limit - address))
        var buffer = [UInt8](repeating: 0, count: readable)
        let length = buffer.withUnsafeMutableBytes { raw in
            skiff_user_strncpy(raw.baseAddress!, UnsafeRawPointer(bitPattern: UInt(address)), UInt64(readable))
        }
        if length < 0 { return .failure(.EFAULT) }
        if Int(length) >= readable {
            return .failure(readable > maximum ? .ENAMETOOLONG : .EFAULT)
        }
        buffer.removeLast(buffer.count - Int(length))
        return .success(buffer)
    }

    /// Where a fault inside a user copy resumes, if `rip` is in one.
    /// Atomically replaces the user word at `address` with `desired` if it holds `expected`;
    /// the value it held (the exchange happened when that equals `expected`), or EFAULT.
    static func compareExchange(at address: UInt64, expected: UInt32, desired: UInt32) -> Result<UInt32, Errno> {
        guard address & 3 == 0, isValid(address, 4) else { return .failure(.EFAULT) }
        var old = expected
        let status = skiff_user_cmpxchg32(UnsafeMutablePointer(bitPattern: UInt(address)), &old, desired)
        return status == 0 ? .success(old) : .failure(.EFAULT)
    }

    static func fixup(for rip: UInt64) -> UInt64? {
        if rip >= UInt64(skiff_user_copy_range_start()) && rip < UInt64(skiff_user_copy_range_end()) {
            return UInt64(skiff_user_copy_fixup_address())
        }
        if rip >= UInt64(skiff_user_strncpy_range_start()) && rip < UInt64(skiff_user_strncpy_range_end()) {
            return UInt64(skiff_user_strncpy_fixup_address())
        }
        if rip >= UInt64(skiff_user_cmpxchg_range_start()) && rip < UInt64(skiff_user_cmpxchg_range_end()) {
            return UInt64(skiff_user_cmpxchg_fixup_address())
        }
        return nil
    }
}
#endif
