#if SKIFF_KERNEL
import CKernel
import LinuxABI

/// One system call: its number and the six argument registers (rdi, rsi, rdx, r10, r8, r9),
/// over the user context saved on the kernel stack.
struct SyscallArguments {
    let frame: UnsafeMutablePointer<skiff_trap_frame>

    var number: Int { Int(truncatingIfNeeded: frame.pointee.rax) }
    var a0: UInt64 { frame.pointee.rdi }
    var a1: UInt64 { frame.pointee.rsi }
    var a2: UInt64 { frame.pointee.rdx }
    var a3: UInt64 { frame.pointee.r10 }
    var a4: UInt64 { frame.pointee.r8 }
    var a5: UInt64 { frame.pointee.r9 }

    /// Argument `i` as a C `int` (the low 32 bits, sign-extended), as Linux reads `int` arguments.
    func int(_ i: Int) -> Int {
        let raw: UInt64
        switch i {
        case 0: raw = a0
        case 1: raw = a1
        case 2: raw = a2
        case 3: raw = a3
        case 4: raw = a4
        default: raw = a5
        }
        return Int(Int32(truncatingIfNeeded: raw))
    }
}

extension Errno {
    /// The value a failing system call returns: the negated error number.
    var returnValue: Int { -rawValue }
}

/// What a handler returns: a non-negative result or an error.
typealias SyscallResult = Result<Int, Errno>

extension Result where Success == Int, Failure == Errno {
    var returnValue: Int {
        switch self {
        case .success(let v): v
        case .failure(let e): e.returnValue
        }
    }
}
#endif
