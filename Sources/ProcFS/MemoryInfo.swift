/// `/proc/meminfo` in Linux 6.1's layout: each label padded to 16 columns, the value in kB
/// right-aligned in 8. `free`, `top` and language runtimes find their lines by name.
public struct MemoryInfo {
    /// Bytes the kernel manages for everyone (MemTotal), free now, and available to
    /// applications without swapping (free plus what could be reclaimed).
    public var total: UInt64 = 0
    public var free: UInt64 = 0
    public var available: UInt64 = 0
    public var buffers: UInt64 = 0
    /// The page cache, tmpfs included (Cached), and of that tmpfs and shared memory (Shmem).
    public var cached: UInt64 = 0
    public var shared: UInt64 = 0
    /// Applications' anonymous memory (AnonPages) and mapped file pages (Mapped).
    public var anonymous: UInt64 = 0
    public var mapped: UInt64 = 0
    /// The kernel's own allocations: its heap (Slab, all unreclaimable), thread stacks and
    /// page tables.
    public var slab: UInt64 = 0
    public var kernelStacks: UInt64 = 0
    public var pageTables: UInt64 = 0
    /// What applications have committed to (Committed_AS) and the limit (CommitLimit).
    public var committed: UInt64 = 0
    public var commitLimit: UInt64 = 0
    /// RAM the direct map covers with 4 KiB, 2 MiB and 1 GiB pages.
    public var directMap4K: UInt64 = 0
    public var directMap2M: UInt64 = 0
    public var directMap1G: UInt64 = 0

    public init() {}

    public func render() -> [UInt8] {
        var t = ProcText()
        let active = anonymous &+ cached / 2
        let inactive = cached - cached / 2
        let rows: [(StaticString, UInt64)] = [
            ("MemTotal:", total), ("MemFree:", free), ("MemAvailable:", available), ("Buffers:", buffers),
            ("Cached:", cached), ("SwapCached:", 0), ("Active:", active), ("Inactive:", inactive),
            ("Active(anon):", anonymous), ("Inactive(anon):", 0), ("Active(file):", cached / 2),
            ("Inactive(file):", inactive), ("Unevictable:", 0), ("Mlocked:", 0), ("SwapTotal:", 0), ("SwapFree:", 0),
            ("Dirty:", 0), ("Writeback:", 0), ("AnonPages:", anonymous), ("Mapped:", mapped), ("Shmem:", shared),
            ("KReclaimable:", 0), ("Slab:", slab), ("SReclaimable:", 0), ("SUnreclaim:", slab),
            ("KernelStack:", kernelStacks), ("PageTables:", pageTables), ("SecPageTables:", 0), ("NFS_Unstable:", 0),
            ("Bounce:", 0), ("WritebackTmp:", 0), ("CommitLimit:", commitLimit), ("Committed_AS:", committed),
            ("VmallocTotal:", 34_359_738_367 * 1024), ("VmallocUsed:", 0), ("VmallocChunk:", 0), ("Percpu:", 0),
        ]
        for (label, bytes) in rows { row(&t, label, bytes) }
        t.append("HardwareCorrupted:     0 kB\n")
        for label: StaticString in ["AnonHugePages:", "ShmemHugePages:", "ShmemPmdMapped:", "FileHugePages:", "FilePmdMapped:"] {
            row(&t, label, 0)
        }
        t.append("HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n")
        t.append("Hugepagesize:       2048 kB\nHugetlb:               0 kB\n")
        row(&t, "DirectMap4k:", directMap4K)
        row(&t, "DirectMap2M:", directMap2M)
        row(&t, "DirectMap1G:", directMap1G)
        return t.bytes
    }

    /// `/proc/vmstat`: the same counts in pages, one "name value" line each (the names
    /// `vmstat` and `sar` look up; event counters Skiff does not keep are 0).
    public func vmstat() -> [UInt8] {
        var t = ProcText()
        let rows: [(StaticString, UInt64)] = [
            ("nr_free_pages", free), ("nr_zone_inactive_anon", 0), ("nr_zone_active_anon", anonymous),
            ("nr_zone_inactive_file", cached - cached / 2), ("nr_zone_active_file", cached / 2),
            ("nr_zone_unevictable", 0), ("nr_zone_write_pending", 0), ("nr_mlock", 0), ("nr_bounce", 0),
            ("nr_free_cma", 0), ("nr_inactive_anon", 0), ("nr_active_anon", anonymous),
            ("nr_inactive_file", cached - cached / 2), ("nr_active_file", cached / 2), ("nr_unevictable", 0),
            ("nr_slab_reclaimable", 0), ("nr_slab_unreclaimable", slab), ("nr_anon_pages", anonymous),
            ("nr_mapped", mapped), ("nr_file_pages", cached), ("nr_dirty", 0), ("nr_writeback", 0), ("nr_shmem", shared),
            ("nr_kernel_stack", kernelStacks / 1024 * 4096), ("nr_page_table_pages", pageTables),
            ("pgpgin", 0), ("pgpgout", 0), ("pswpin", 0), ("pswpout", 0), ("pgalloc_normal", 0), ("pgfree", 0),
            ("pgfault", 0), ("pgmajfault", 0),
        ]
        for (name, bytes) in rows {
            t.append(name)
            t.append(byte: ProcText.space)
            t.decimal(bytes / 4096)
            t.newline()
        }
        return t.bytes
    }

    private func row(_ t: inout ProcText, _ label: StaticString, _ bytes: UInt64) {
        t.leftAligned(label, width: 16)
        t.decimal(bytes / 1024, width: 8)
        t.append(" kB\n")
    }
}
