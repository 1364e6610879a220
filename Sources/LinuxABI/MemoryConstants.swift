/// `mmap`/`mprotect`/`madvise` argument bits.
public enum MemoryConstants {
    public static let PROT_NONE = 0x0
    public static let PROT_READ = 0x1
    public static let PROT_WRITE = 0x2
    public static let PROT_EXEC = 0x4
    public static let PROT_GROWSDOWN = 0x0100_0000
    public static let PROT_GROWSUP = 0x0200_0000

    public static let MAP_SHARED = 0x01
    public static let MAP_PRIVATE = 0x02
    public static let MAP_SHARED_VALIDATE = 0x03
    public static let MAP_TYPE = 0x0F
    public static let MAP_FIXED = 0x10
    public static let MAP_ANONYMOUS = 0x20
    public static let MAP_32BIT = 0x40
    public static let MAP_GROWSDOWN = 0x100
    public static let MAP_DENYWRITE = 0x800
    public static let MAP_EXECUTABLE = 0x1000
    public static let MAP_LOCKED = 0x2000
    public static let MAP_NORESERVE = 0x4000
    public static let MAP_POPULATE = 0x8000
    public static let MAP_NONBLOCK = 0x10000
    public static let MAP_STACK = 0x20000
    public static let MAP_HUGETLB = 0x40000
    public static let MAP_SYNC = 0x80000
    public static let MAP_FIXED_NOREPLACE = 0x100000

    public static let MREMAP_MAYMOVE = 1
    public static let MREMAP_FIXED = 2

    // msync flags
    public static let MS_ASYNC = 1
    public static let MS_INVALIDATE = 2
    public static let MS_SYNC = 4
    public static let MREMAP_DONTUNMAP = 4

    public static let MADV_NORMAL = 0
    public static let MADV_RANDOM = 1
    public static let MADV_SEQUENTIAL = 2
    public static let MADV_WILLNEED = 3
    public static let MADV_DONTNEED = 4
    public static let MADV_FREE = 8
    public static let MADV_HUGEPAGE = 14
    public static let MADV_NOHUGEPAGE = 15
}
