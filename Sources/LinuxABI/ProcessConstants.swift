/// Constants of `clone`, `arch_prctl`, `prctl`, `futex`, `wait4` and friends.
public enum ProcessConstants {
    public static let CSIGNAL = 0xFF
    public static let CLONE_VM = 0x100
    public static let CLONE_FS = 0x200
    public static let CLONE_FILES = 0x400
    public static let CLONE_SIGHAND = 0x800
    public static let CLONE_PIDFD = 0x1000
    public static let CLONE_PTRACE = 0x2000
    public static let CLONE_VFORK = 0x4000
    public static let CLONE_PARENT = 0x8000
    public static let CLONE_THREAD = 0x10000
    public static let CLONE_NEWNS = 0x20000
    public static let CLONE_SYSVSEM = 0x40000
    public static let CLONE_SETTLS = 0x80000
    public static let CLONE_PARENT_SETTID = 0x100000
    public static let CLONE_CHILD_CLEARTID = 0x200000
    public static let CLONE_DETACHED = 0x400000
    public static let CLONE_UNTRACED = 0x800000
    public static let CLONE_CHILD_SETTID = 0x1000000

    public static let ARCH_SET_GS = 0x1001
    public static let ARCH_SET_FS = 0x1002
    public static let ARCH_GET_FS = 0x1003
    public static let ARCH_GET_GS = 0x1004
    public static let ARCH_GET_CPUID = 0x1011
    public static let ARCH_SET_CPUID = 0x1012

    public static let FUTEX_WAIT = 0
    public static let FUTEX_WAKE = 1
    public static let FUTEX_FD = 2
    public static let FUTEX_REQUEUE = 3
    public static let FUTEX_CMP_REQUEUE = 4
    public static let FUTEX_WAKE_OP = 5
    public static let FUTEX_LOCK_PI = 6
    public static let FUTEX_UNLOCK_PI = 7
    public static let FUTEX_TRYLOCK_PI = 8
    public static let FUTEX_WAIT_BITSET = 9
    public static let FUTEX_WAKE_BITSET = 10
    public static let FUTEX_WAIT_REQUEUE_PI = 11
    public static let FUTEX_CMP_REQUEUE_PI = 12
    public static let FUTEX_LOCK_PI2 = 13
    public static let FUTEX_PRIVATE_FLAG = 128
    public static let FUTEX_CLOCK_REALTIME = 256
    public static let FUTEX_BITSET_MATCH_ANY: UInt32 = 0xFFFF_FFFF

    public static let WNOHANG = 1
    public static let WUNTRACED = 2
    public static let WEXITED = 4
    public static let WCONTINUED = 8
    public static let WNOWAIT = 0x0100_0000
    public static let __WALL = 0x4000_0000

    public static let CLOCK_REALTIME = 0
    public static let CLOCK_MONOTONIC = 1
    public static let CLOCK_PROCESS_CPUTIME_ID = 2
    public static let CLOCK_THREAD_CPUTIME_ID = 3
    public static let CLOCK_MONOTONIC_RAW = 4
    public static let CLOCK_REALTIME_COARSE = 5
    public static let CLOCK_MONOTONIC_COARSE = 6
    public static let CLOCK_BOOTTIME = 7
    public static let CLOCK_REALTIME_ALARM = 8
    public static let CLOCK_BOOTTIME_ALARM = 9
    public static let TIMER_ABSTIME = 1

    public static let RLIMIT_CPU = 0
    public static let RLIMIT_FSIZE = 1
    public static let RLIMIT_DATA = 2
    public static let RLIMIT_STACK = 3
    public static let RLIMIT_CORE = 4
    public static let RLIMIT_RSS = 5
    public static let RLIMIT_NPROC = 6
    public static let RLIMIT_NOFILE = 7
    public static let RLIMIT_MEMLOCK = 8
    public static let RLIMIT_AS = 9
    public static let RLIMIT_NLIMITS = 16

    // reboot(2): both magic numbers must match before the command is looked at.
    public static let LINUX_REBOOT_MAGIC1: UInt64 = 0xFEE1_DEAD
    public static let LINUX_REBOOT_MAGIC2: [UInt64] = [672_274_793, 85_072_278, 369_367_448, 537_993_216]
    public static let LINUX_REBOOT_CMD_RESTART: UInt32 = 0x0123_4567
    public static let LINUX_REBOOT_CMD_RESTART2: UInt32 = 0xA1B2_C3D4
    public static let LINUX_REBOOT_CMD_HALT: UInt32 = 0xCDEF_0123
    public static let LINUX_REBOOT_CMD_POWER_OFF: UInt32 = 0x4321_FEDC
    public static let LINUX_REBOOT_CMD_CAD_ON: UInt32 = 0x89AB_CDEF
    public static let LINUX_REBOOT_CMD_CAD_OFF: UInt32 = 0
    public static let RLIM_INFINITY: UInt64 = ~0
}
