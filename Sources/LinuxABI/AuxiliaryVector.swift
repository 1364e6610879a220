/// Auxiliary-vector keys the kernel passes on a new program's stack (`AT_*`).
public enum AuxiliaryVector {
    public static let null: UInt64 = 0
    public static let ignore: UInt64 = 1
    public static let programHeaders: UInt64 = 3  // AT_PHDR
    public static let programHeaderSize: UInt64 = 4  // AT_PHENT
    public static let programHeaderCount: UInt64 = 5  // AT_PHNUM
    public static let pageSize: UInt64 = 6  // AT_PAGESZ
    public static let interpreterBase: UInt64 = 7  // AT_BASE
    public static let flags: UInt64 = 8  // AT_FLAGS
    public static let entry: UInt64 = 9  // AT_ENTRY
    public static let notELF: UInt64 = 10  // AT_NOTELF
    public static let uid: UInt64 = 11
    public static let euid: UInt64 = 12
    public static let gid: UInt64 = 13
    public static let egid: UInt64 = 14
    public static let platform: UInt64 = 15  // AT_PLATFORM
    public static let hardwareCapabilities: UInt64 = 16  // AT_HWCAP
    public static let clockTicks: UInt64 = 17  // AT_CLKTCK
    public static let secure: UInt64 = 23  // AT_SECURE
    public static let basePlatform: UInt64 = 24
    public static let random: UInt64 = 25  // AT_RANDOM: 16 random bytes
    public static let hardwareCapabilities2: UInt64 = 26  // AT_HWCAP2
    public static let executableName: UInt64 = 31  // AT_EXECFN
    public static let vdso: UInt64 = 33  // AT_SYSINFO_EHDR
    public static let minimumSignalStackSize: UInt64 = 51  // AT_MINSIGSTKSZ
}
