#if SKIFF_KERNEL
/// System-call handlers, grouped by family in `Syscalls+*.swift`; `SyscallTable` maps numbers
/// to them.
enum Syscalls {}
#endif
