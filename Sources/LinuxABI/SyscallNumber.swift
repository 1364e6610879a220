// Generated once from Linux's x86_64 syscall table (asm/unistd_64.h); these numbers are ABI and never change.

/// A Linux x86_64 system-call number.
public struct SyscallNumber: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let read = SyscallNumber(rawValue: 0)
    public static let write = SyscallNumber(rawValue: 1)
    public static let open = SyscallNumber(rawValue: 2)
    public static let close = SyscallNumber(rawValue: 3)
    public static let stat = SyscallNumber(rawValue: 4)
    public static let fstat = SyscallNumber(rawValue: 5)
    public static let lstat = SyscallNumber(rawValue: 6)
    public static let poll = SyscallNumber(rawValue: 7)
    public static let lseek = SyscallNumber(rawValue: 8)
    public static let mmap = SyscallNumber(rawValue: 9)
    public static let mprotect = SyscallNumber(rawValue: 10)
    public static let munmap = SyscallNumber(rawValue: 11)
    public static let brk = SyscallNumber(rawValue: 12)
    public static let rtSigaction = SyscallNumber(rawValue: 13)
    public static let rtSigprocmask = SyscallNumber(rawValue: 14)
    public static let rtSigreturn = SyscallNumber(rawValue: 15)
    public static let ioctl = SyscallNumber(rawValue: 16)
    public static let pread64 = SyscallNumber(rawValue: 17)
    public static let pwrite64 = SyscallNumber(rawValue: 18)
    public static let readv = SyscallNumber(rawValue: 19)
    public static let writev = SyscallNumber(rawValue: 20)
    public static let access = SyscallNumber(rawValue: 21)
    public static let pipe = SyscallNumber(rawValue: 22)
    public static let select = SyscallNumber(rawValue: 23)
    public static let schedYield = SyscallNumber(rawValue: 24)
    public static let mremap = SyscallNumber(rawValue: 25)
    public static let msync = SyscallNumber(rawValue: 26)
    public static let mincore = SyscallNumber(rawValue: 27)
    public static let madvise = SyscallNumber(rawValue: 28)
    public static let shmget = SyscallNumber(rawValue: 29)
    public static let shmat = SyscallNumber(rawValue: 30)
    public static let shmctl = SyscallNumber(rawValue: 31)
    public static let dup = SyscallNumber(rawValue: 32)
    public static let dup2 = SyscallNumber(rawValue: 33)
    public static let pause = SyscallNumber(rawValue: 34)
    public static let nanosleep = SyscallNumber(rawValue: 35)
    public static let getitimer = SyscallNumber(rawValue: 36)
    public static let alarm = SyscallNumber(rawValue: 37)
    public static let setitimer = SyscallNumber(rawValue: 38)
    public static let getpid = SyscallNumber(rawValue: 39)
    public static let sendfile = SyscallNumber(rawValue: 40)
    public static let socket = SyscallNumber(rawValue: 41)
    public static let connect = SyscallNumber(rawValue: 42)
    public static let accept = SyscallNumber(rawValue: 43)
    public static let sendto = SyscallNumber(rawValue: 44)
    public static let recvfrom = SyscallNumber(rawValue: 45)
    public static let sendmsg = SyscallNumber(rawValue: 46)
    public static let recvmsg = SyscallNumber(rawValue: 47)
    public static let shutdown = SyscallNumber(rawValue: 48)
    public static let bind = SyscallNumber(rawValue: 49)
    public static let listen = SyscallNumber(rawValue: 50)
    public static let getsockname = SyscallNumber(rawValue: 51)
    public static let getpeername = SyscallNumber(rawValue: 52)
    public static let socketpair = SyscallNumber(rawValue: 53)
    public static let setsockopt = SyscallNumber(rawValue: 54)
    public static let getsockopt = SyscallNumber(rawValue: 55)
    public static let clone = SyscallNumber(rawValue: 56)
    public static let fork = SyscallNumber(rawValue: 57)
    public static let vfork = SyscallNumber(rawValue: 58)
    public static let execve = SyscallNumber(rawValue: 59)
    public static let exit = SyscallNumber(rawValue: 60)
    public static let wait4 = SyscallNumber(rawValue: 61)
    public static let kill = SyscallNumber(rawValue: 62)
    public static let uname = SyscallNumber(rawValue: 63)
    public static let semget = SyscallNumber(rawValue: 64)
    public static let semop = SyscallNumber(rawValue: 65)
    public static let semctl = SyscallNumber(rawValue: 66)
    public static let shmdt = SyscallNumber(rawValue: 67)
    public static let msgget = SyscallNumber(rawValue: 68)
    public static let msgsnd = SyscallNumber(rawValue: 69)
    public static let msgrcv = SyscallNumber(rawValue: 70)
    public static let msgctl = SyscallNumber(rawValue: 71)
    public static let fcntl = SyscallNumber(rawValue: 72)
    public static let flock = SyscallNumber(rawValue: 73)
    public static let fsync = SyscallNumber(rawValue: 74)
    public static let fdatasync = SyscallNumber(rawValue: 75)
    public static let truncate = SyscallNumber(rawValue: 76)
    public static let ftruncate = SyscallNumber(rawValue: 77)
    public static let getdents = SyscallNumber(rawValue: 78)
    public static let getcwd = SyscallNumber(rawValue: 79)
    public static let chdir = SyscallNumber(rawValue: 80)
    public static let fchdir = SyscallNumber(rawValue: 81)
    public static let rename = SyscallNumber(rawValue: 82)
    public static let mkdir = SyscallNumber(rawValue: 83)
    public static let rmdir = SyscallNumber(rawValue: 84)
    public static let creat = SyscallNumber(rawValue: 85)
    public static let link = SyscallNumber(rawValue: 86)
    public static let unlink = SyscallNumber(rawValue: 87)
    public static let symlink = SyscallNumber(rawValue: 88)
    public static let readlink = SyscallNumber(rawValue: 89)
    public static let chmod = SyscallNumber(rawValue: 90)
    public static let fchmod = SyscallNumber(rawValue: 91)
    public static let chown = SyscallNumber(rawValue: 92)
    public static let fchown = SyscallNumber(rawValue: 93)
    public static let lchown = SyscallNumber(rawValue: 94)
    public static let umask = SyscallNumber(rawValue: 95)
    public static let gettimeofday = SyscallNumber(rawValue: 96)
    public static let getrlimit = SyscallNumber(rawValue: 97)
    public static let getrusage = SyscallNumber(rawValue: 98)
    public static let sysinfo = SyscallNumber(rawValue: 99)
    public static let times = SyscallNumber(rawValue: 100)
    public static let ptrace = SyscallNumber(rawValue: 101)
    public static let getuid = SyscallNumber(rawValue: 102)
    public static let syslog = SyscallNumber(rawValue: 103)
    public static let getgid = SyscallNumber(rawValue: 104)
    public static let setuid = SyscallNumber(rawValue: 105)
    public static let setgid = SyscallNumber(rawValue: 106)
    public static let geteuid = SyscallNumber(rawValue: 107)
    public static let getegid = SyscallNumber(rawValue: 108)
    public static let setpgid = SyscallNumber(rawValue: 109)
    public static let getppid = SyscallNumber(rawValue: 110)
    public static let getpgrp = SyscallNumber(rawValue: 111)
    public static let setsid = SyscallNumber(rawValue: 112)
    public static let setreuid = SyscallNumber(rawValue: 113)
    public static let setregid = SyscallNumber(rawValue: 114)
    public static let getgroups = SyscallNumber(rawValue: 115)
    public static let setgroups = SyscallNumber(rawValue: 116)
    public static let setresuid = SyscallNumber(rawValue: 117)
    public static let getresuid = SyscallNumber(rawValue: 118)
    public static let setresgid = SyscallNumber(rawValue: 119)
    public static let getresgid = SyscallNumber(rawValue: 120)
    public static let getpgid = SyscallNumber(rawValue: 121)
    public static let setfsuid = SyscallNumber(rawValue: 122)
    public static let setfsgid = SyscallNumber(rawValue: 123)
    public static let getsid = SyscallNumber(rawValue: 124)
    public static let capget = SyscallNumber(rawValue: 125)
    public static let capset = SyscallNumber(rawValue: 126)
    public static let rtSigpending = SyscallNumber(rawValue: 127)
    public static let rtSigtimedwait = SyscallNumber(rawValue: 128)
    public static let rtSigqueueinfo = SyscallNumber(rawValue: 129)
    public static let rtSigsuspend = SyscallNumber(rawValue: 130)
    public static let sigaltstack = SyscallNumber(rawValue: 131)
    public static let utime = SyscallNumber(rawValue: 132)
    public static let mknod = SyscallNumber(rawValue: 133)
    public static let uselib = SyscallNumber(rawValue: 134)
    public static let personality = SyscallNumber(rawValue: 135)
    public static let ustat = SyscallNumber(rawValue: 136)
    public static let statfs = SyscallNumber(rawValue: 137)
    public static let fstatfs = SyscallNumber(rawValue: 138)
    public static let sysfs = SyscallNumber(rawValue: 139)
    public static let getpriority = SyscallNumber(rawValue: 140)
    public static let setpriority = SyscallNumber(rawValue: 141)
    public static let schedSetparam = SyscallNumber(rawValue: 142)
    public static let schedGetparam = SyscallNumber(rawValue: 143)
    public static let schedSetscheduler = SyscallNumber(rawValue: 144)
    public static let schedGetscheduler = SyscallNumber(rawValue: 145)
    public static let schedGetPriorityMax = SyscallNumber(rawValue: 146)
    public static let schedGetPriorityMin = SyscallNumber(rawValue: 147)
    public static let schedRrGetInterval = SyscallNumber(rawValue: 148)
    public static let mlock = SyscallNumber(rawValue: 149)
    public static let munlock = SyscallNumber(rawValue: 150)
    public static let mlockall = SyscallNumber(rawValue: 151)
    public static let munlockall = SyscallNumber(rawValue: 152)
    public static let vhangup = SyscallNumber(rawValue: 153)
    public static let modifyLdt = SyscallNumber(rawValue: 154)
    public static let pivotRoot = SyscallNumber(rawValue: 155)
    public static let Sysctl = SyscallNumber(rawValue: 156)
    public static let prctl = SyscallNumber(rawValue: 157)
    public static let archPrctl = SyscallNumber(rawValue: 158)
    public static let adjtimex = SyscallNumber(rawValue: 159)
    public static let setrlimit = SyscallNumber(rawValue: 160)
    public static let chroot = SyscallNumber(rawValue: 161)
    public static let sync = SyscallNumber(rawValue: 162)
    public static let acct = SyscallNumber(rawValue: 163)
    public static let settimeofday = SyscallNumber(rawValue: 164)
    public static let mount = SyscallNumber(rawValue: 165)
    public static let umount2 = SyscallNumber(rawValue: 166)
    public static let swapon = SyscallNumber(rawValue: 167)
    public static let swapoff = SyscallNumber(rawValue: 168)
    public static let reboot = SyscallNumber(rawValue: 169)
    public static let sethostname = SyscallNumber(rawValue: 170)
    public static let setdomainname = SyscallNumber(rawValue: 171)
    public static let iopl = SyscallNumber(rawValue: 172)
    public static let ioperm = SyscallNumber(rawValue: 173)
    public static let createModule = SyscallNumber(rawValue: 174)
    public static let initModule = SyscallNumber(rawValue: 175)
    public static let deleteModule = SyscallNumber(rawValue: 176)
    public static let getKernelSyms = SyscallNumber(rawValue: 177)
    public static let queryModule = SyscallNumber(rawValue: 178)
    public static let quotactl = SyscallNumber(rawValue: 179)
    public static let nfsservctl = SyscallNumber(rawValue: 180)
    public static let getpmsg = SyscallNumber(rawValue: 181)
    public static let putpmsg = SyscallNumber(rawValue: 182)
    public static let afsSyscall = SyscallNumber(rawValue: 183)
    public static let tuxcall = SyscallNumber(rawValue: 184)
    public static let security = SyscallNumber(rawValue: 185)
    public static let gettid = SyscallNumber(rawValue: 186)
    public static let readahead = SyscallNumber(rawValue: 187)
    public static let setxattr = SyscallNumber(rawValue: 188)
    public static let lsetxattr = SyscallNumber(rawValue: 189)
    public static let fsetxattr = SyscallNumber(rawValue: 190)
    public static let getxattr = SyscallNumber(rawValue: 191)
    public static let lgetxattr = SyscallNumber(rawValue: 192)
    public static let fgetxattr = SyscallNumber(rawValue: 193)
    public static let listxattr = SyscallNumber(rawValue: 194)
    public static let llistxattr = SyscallNumber(rawValue: 195)
    public static let flistxattr = SyscallNumber(rawValue: 196)
    public static let removexattr = SyscallNumber(rawValue: 197)
    public static let lremovexattr = SyscallNumber(rawValue: 198)
    public static let fremovexattr = SyscallNumber(rawValue: 199)
    public static let tkill = SyscallNumber(rawValue: 200)
    public static let time = SyscallNumber(rawValue: 201)
    public static let futex = SyscallNumber(rawValue: 202)
    public static let schedSetaffinity = SyscallNumber(rawValue: 203)
    public static let schedGetaffinity = SyscallNumber(rawValue: 204)
    public static let setThreadArea = SyscallNumber(rawValue: 205)
    public static let ioSetup = SyscallNumber(rawValue: 206)
    public static let ioDestroy = SyscallNumber(rawValue: 207)
    public static let ioGetevents = SyscallNumber(rawValue: 208)
    public static let ioSubmit = SyscallNumber(rawValue: 209)
    public static let ioCancel = SyscallNumber(rawValue: 210)
    public static let getThreadArea = SyscallNumber(rawValue: 211)
    public static let lookupDcookie = SyscallNumber(rawValue: 212)
    public static let epollCreate = SyscallNumber(rawValue: 213)
    public static let epollCtlOld = SyscallNumber(rawValue: 214)
    public static let epollWaitOld = SyscallNumber(rawValue: 215)
    public static let remapFilePages = SyscallNumber(rawValue: 216)
    public static let getdents64 = SyscallNumber(rawValue: 217)
    public static let setTidAddress = SyscallNumber(rawValue: 218)
    public static let restartSyscall = SyscallNumber(rawValue: 219)
    public static let semtimedop = SyscallNumber(rawValue: 220)
    public static let fadvise64 = SyscallNumber(rawValue: 221)
    public static let timerCreate = SyscallNumber(rawValue: 222)
    public static let timerSettime = SyscallNumber(rawValue: 223)
    public static let timerGettime = SyscallNumber(rawValue: 224)
    public static let timerGetoverrun = SyscallNumber(rawValue: 225)
    public static let timerDelete = SyscallNumber(rawValue: 226)
    public static let clockSettime = SyscallNumber(rawValue: 227)
    public static let clockGettime = SyscallNumber(rawValue: 228)
    public static let clockGetres = SyscallNumber(rawValue: 229)
    public static let clockNanosleep = SyscallNumber(rawValue: 230)
    public static let exitGroup = SyscallNumber(rawValue: 231)
    public static let epollWait = SyscallNumber(rawValue: 232)
    public static let epollCtl = SyscallNumber(rawValue: 233)
    public static let tgkill = SyscallNumber(rawValue: 234)
    public static let utimes = SyscallNumber(rawValue: 235)
    public static let vserver = SyscallNumber(rawValue: 236)
    public static let mbind = SyscallNumber(rawValue: 237)
    public static let setMempolicy = SyscallNumber(rawValue: 238)
    public static let getMempolicy = SyscallNumber(rawValue: 239)
    public static let mqOpen = SyscallNumber(rawValue: 240)
    public static let mqUnlink = SyscallNumber(rawValue: 241)
    public static let mqTimedsend = SyscallNumber(rawValue: 242)
    public static let mqTimedreceive = SyscallNumber(rawValue: 243)
    public static let mqNotify = SyscallNumber(rawValue: 244)
    public static let mqGetsetattr = SyscallNumber(rawValue: 245)
    public static let kexecLoad = SyscallNumber(rawValue: 246)
    public static let waitid = SyscallNumber(rawValue: 247)
    public static let addKey = SyscallNumber(rawValue: 248)
    public static let requestKey = SyscallNumber(rawValue: 249)
    public static let keyctl = SyscallNumber(rawValue: 250)
    public static let ioprioSet = SyscallNumber(rawValue: 251)
    public static let ioprioGet = SyscallNumber(rawValue: 252)
    public static let inotifyInit = SyscallNumber(rawValue: 253)
    public static let inotifyAddWatch = SyscallNumber(rawValue: 254)
    public static let inotifyRmWatch = SyscallNumber(rawValue: 255)
    public static let migratePages = SyscallNumber(rawValue: 256)
    public static let openat = SyscallNumber(rawValue: 257)
    public static let mkdirat = SyscallNumber(rawValue: 258)
    public static let mknodat = SyscallNumber(rawValue: 259)
    public static let fchownat = SyscallNumber(rawValue: 260)
    public static let futimesat = SyscallNumber(rawValue: 261)
    public static let newfstatat = SyscallNumber(rawValue: 262)
    public static let unlinkat = SyscallNumber(rawValue: 263)
    public static let renameat = SyscallNumber(rawValue: 264)
    public static let linkat = SyscallNumber(rawValue: 265)
    public static let symlinkat = SyscallNumber(rawValue: 266)
    public static let readlinkat = SyscallNumber(rawValue: 267)
    public static let fchmodat = SyscallNumber(rawValue: 268)
    public static let faccessat = SyscallNumber(rawValue: 269)
    public static let pselect6 = SyscallNumber(rawValue: 270)
    public static let ppoll = SyscallNumber(rawValue: 271)
    public static let unshare = SyscallNumber(rawValue: 272)
    public static let setRobustList = SyscallNumber(rawValue: 273)
    public static let getRobustList = SyscallNumber(rawValue: 274)
    public static let splice = SyscallNumber(rawValue: 275)
    public static let tee = SyscallNumber(rawValue: 276)
    public static let syncFileRange = SyscallNumber(rawValue: 277)
    public static let vmsplice = SyscallNumber(rawValue: 278)
    public static let movePages = SyscallNumber(rawValue: 279)
    public static let utimensat = SyscallNumber(rawValue: 280)
    public static let epollPwait = SyscallNumber(rawValue: 281)
    public static let signalfd = SyscallNumber(rawValue: 282)
    public static let timerfdCreate = SyscallNumber(rawValue: 283)
    public static let eventfd = SyscallNumber(rawValue: 284)
    public static let fallocate = SyscallNumber(rawValue: 285)
    public static let timerfdSettime = SyscallNumber(rawValue: 286)
    public static let timerfdGettime = SyscallNumber(rawValue: 287)
    public static let accept4 = SyscallNumber(rawValue: 288)
    public static let signalfd4 = SyscallNumber(rawValue: 289)
    public static let eventfd2 = SyscallNumber(rawValue: 290)
    public static let epollCreate1 = SyscallNumber(rawValue: 291)
    public static let dup3 = SyscallNumber(rawValue: 292)
    public static let pipe2 = SyscallNumber(rawValue: 293)
    public static let inotifyInit1 = SyscallNumber(rawValue: 294)
    public static let preadv = SyscallNumber(rawValue: 295)
    public static let pwritev = SyscallNumber(rawValue: 296)
    public static let rtTgsigqueueinfo = SyscallNumber(rawValue: 297)
    public static let perfEventOpen = SyscallNumber(rawValue: 298)
    public static let recvmmsg = SyscallNumber(rawValue: 299)
    public static let fanotifyInit = SyscallNumber(rawValue: 300)
    public static let fanotifyMark = SyscallNumber(rawValue: 301)
    public static let prlimit64 = SyscallNumber(rawValue: 302)
    public static let nameToHandleAt = SyscallNumber(rawValue: 303)
    public static let openByHandleAt = SyscallNumber(rawValue: 304)
    public static let clockAdjtime = SyscallNumber(rawValue: 305)
    public static let syncfs = SyscallNumber(rawValue: 306)
    public static let sendmmsg = SyscallNumber(rawValue: 307)
    public static let setns = SyscallNumber(rawValue: 308)
    public static let getcpu = SyscallNumber(rawValue: 309)
    public static let processVmReadv = SyscallNumber(rawValue: 310)
    public static let processVmWritev = SyscallNumber(rawValue: 311)
    public static let kcmp = SyscallNumber(rawValue: 312)
    public static let finitModule = SyscallNumber(rawValue: 313)
    public static let schedSetattr = SyscallNumber(rawValue: 314)
    public static let schedGetattr = SyscallNumber(rawValue: 315)
    public static let renameat2 = SyscallNumber(rawValue: 316)
    public static let seccomp = SyscallNumber(rawValue: 317)
    public static let getrandom = SyscallNumber(rawValue: 318)
    public static let memfdCreate = SyscallNumber(rawValue: 319)
    public static let kexecFileLoad = SyscallNumber(rawValue: 320)
    public static let bpf = SyscallNumber(rawValue: 321)
    public static let execveat = SyscallNumber(rawValue: 322)
    public static let userfaultfd = SyscallNumber(rawValue: 323)
    public static let membarrier = SyscallNumber(rawValue: 324)
    public static let mlock2 = SyscallNumber(rawValue: 325)
    public static let copyFileRange = SyscallNumber(rawValue: 326)
    public static let preadv2 = SyscallNumber(rawValue: 327)
    public static let pwritev2 = SyscallNumber(rawValue: 328)
    public static let pkeyMprotect = SyscallNumber(rawValue: 329)
    public static let pkeyAlloc = SyscallNumber(rawValue: 330)
    public static let pkeyFree = SyscallNumber(rawValue: 331)
    public static let statx = SyscallNumber(rawValue: 332)
    public static let ioPgetevents = SyscallNumber(rawValue: 333)
    public static let rseq = SyscallNumber(rawValue: 334)
    public static let pidfdSendSignal = SyscallNumber(rawValue: 424)
    public static let ioUringSetup = SyscallNumber(rawValue: 425)
    public static let ioUringEnter = SyscallNumber(rawValue: 426)
    public static let ioUringRegister = SyscallNumber(rawValue: 427)
    public static let openTree = SyscallNumber(rawValue: 428)
    public static let moveMount = SyscallNumber(rawValue: 429)
    public static let fsopen = SyscallNumber(rawValue: 430)
    public static let fsconfig = SyscallNumber(rawValue: 431)
    public static let fsmount = SyscallNumber(rawValue: 432)
    public static let fspick = SyscallNumber(rawValue: 433)
    public static let pidfdOpen = SyscallNumber(rawValue: 434)
    public static let clone3 = SyscallNumber(rawValue: 435)
    public static let closeRange = SyscallNumber(rawValue: 436)
    public static let openat2 = SyscallNumber(rawValue: 437)
    public static let pidfdGetfd = SyscallNumber(rawValue: 438)
    public static let faccessat2 = SyscallNumber(rawValue: 439)
    public static let processMadvise = SyscallNumber(rawValue: 440)
    public static let epollPwait2 = SyscallNumber(rawValue: 441)
    public static let mountSetattr = SyscallNumber(rawValue: 442)
    public static let quotactlFd = SyscallNumber(rawValue: 443)
    public static let landlockCreateRuleset = SyscallNumber(rawValue: 444)
    public static let landlockAddRule = SyscallNumber(rawValue: 445)
    public static let landlockRestrictSelf = SyscallNumber(rawValue: 446)
    public static let memfdSecret = SyscallNumber(rawValue: 447)
    public static let processMrelease = SyscallNumber(rawValue: 448)
    public static let futexWaitv = SyscallNumber(rawValue: 449)
    public static let setMempolicyHomeNode = SyscallNumber(rawValue: 450)
    public static let cachestat = SyscallNumber(rawValue: 451)
    public static let fchmodat2 = SyscallNumber(rawValue: 452)
    public static let mapShadowStack = SyscallNumber(rawValue: 453)
    public static let futexWake = SyscallNumber(rawValue: 454)
    public static let futexWait = SyscallNumber(rawValue: 455)
    public static let futexRequeue = SyscallNumber(rawValue: 456)
    public static let statmount = SyscallNumber(rawValue: 457)
    public static let listmount = SyscallNumber(rawValue: 458)
    public static let lsmGetSelfAttr = SyscallNumber(rawValue: 459)
    public static let lsmSetSelfAttr = SyscallNumber(rawValue: 460)
    public static let lsmListModules = SyscallNumber(rawValue: 461)
    public static let mseal = SyscallNumber(rawValue: 462)
}

extension SyscallNumber {
    /// The largest number in the table.
    public static let highest = 462

    /// The Linux name (`"openat"`), for logs and traces; nil for an unassigned number.
    public var name: StaticString? {
        switch rawValue {
        case 0: "read"
        case 1: "write"
        case 2: "open"
        case 3: "close"
        case 4: "stat"
        case 5: "fstat"
        case 6: "lstat"
        case 7: "poll"
        case 8: "lseek"
        case 9: "mmap"
        case 10: "mprotect"
        case 11: "munmap"
        case 12: "brk"
        case 13: "rt_sigaction"
        case 14: "rt_sigprocmask"
        case 15: "rt_sigreturn"
        case 16: "ioctl"
        case 17: "pread64"
        case 18: "pwrite64"
        case 19: "readv"
        case 20: "writev"
        case 21: "access"
        case 22: "pipe"
        case 23: "select"
        case 24: "sched_yield"
        case 25: "mremap"
        case 26: "msync"
        case 27: "mincore"
        case 28: "madvise"
        case 29: "shmget"
        case 30: "shmat"
        case 31: "shmctl"
        case 32: "dup"
        case 33: "dup2"
        case 34: "pause"
        case 35: "nanosleep"
        case 36: "getitimer"
        case 37: "alarm"
        case 38: "setitimer"
        case 39: "getpid"
        case 40: "sendfile"
        case 41: "socket"
        case 42: "connect"
        case 43: "accept"
        case 44: "sendto"
        case 45: "recvfrom"
        case 46: "sendmsg"
        case 47: "recvmsg"
        case 48: "shutdown"
        case 49: "bind"
        case 50: "listen"
        case 51: "getsockname"
        case 52: "getpeername"
        case 53: "socketpair"
        case 54: "setsockopt"
        case 55: "getsockopt"
        case 56: "clone"
        case 57: "fork"
        case 58: "vfork"
        case 59: "execve"
        case 60: "exit"
        case 61: "wait4"
        case 62: "kill"
        case 63: "uname"
        case 64: "semget"
        case 65: "semop"
        case 66: "semctl"
        case 67: "shmdt"
        case 68: "msgget"
        case 69: "msgsnd"
        case 70: "msgrcv"
        case 71: "msgctl"
        case 72: "fcntl"
        case 73: "flock"
        case 74: "fsync"
        case 75: "fdatasync"
        case 76: "truncate"
        case 77: "ftruncate"
        case 78: "getdents"
        case 79: "getcwd"
        case 80: "chdir"
        case 81: "fchdir"
        case 82: "rename"
        case 83: "mkdir"
        case 84: "rmdir"
        case 85: "creat"
        case 86: "link"
        case 87: "unlink"
        case 88: "symlink"
        case 89: "readlink"
        case 90: "chmod"
        case 91: "fchmod"
        case 92: "chown"
        case 93: "fchown"
        case 94: "lchown"
        case 95: "umask"
        case 96: "gettimeofday"
        case 97: "getrlimit"
        case 98: "getrusage"
        case 99: "sysinfo"
        case 100: "times"
        case 101: "ptrace"
        case 102: "getuid"
        case 103: "syslog"
        case 104: "getgid"
        case 105: "setuid"
        case 106: "setgid"
        case 107: "geteuid"
        case 108: "getegid"
        case 109: "setpgid"
        case 110: "getppid"
        case 111: "getpgrp"
        case 112: "setsid"
        case 113: "setreuid"
        case 114: "setregid"
        case 115: "getgroups"
        case 116: "setgroups"
        case 117: "setresuid"
        case 118: "getresuid"
        case 119: "setresgid"
        case 120: "getresgid"
        case 121: "getpgid"
        case 122: "setfsuid"
        case 123: "setfsgid"
        case 124: "getsid"
        case 125: "capget"
        case 126: "capset"
        case 127: "rt_sigpending"
        case 128: "rt_sigtimedwait"
        case 129: "rt_sigqueueinfo"
        case 130: "rt_sigsuspend"
        case 131: "sigaltstack"
        case 132: "utime"
        case 133: "mknod"
        case 134: "uselib"
        case 135: "personality"
        case 136: "ustat"
        case 137: "statfs"
        case 138: "fstatfs"
        case 139: "sysfs"
        case 140: "getpriority"
        case 141: "setpriority"
        case 142: "sched_setparam"
        case 143: "sched_getparam"
        case 144: "sched_setscheduler"
        case 145: "sched_getscheduler"
        case 146: "sched_get_priority_max"
        case 147: "sched_get_priority_min"
        case 148: "sched_rr_get_interval"
        case 149: "mlock"
        case 150: "munlock"
        case 151: "mlockall"
        case 152: "munlockall"
        case 153: "vhangup"
        case 154: "modify_ldt"
        case 155: "pivot_root"
        case 156: "_sysctl"
        case 157: "prctl"
        case 158: "arch_prctl"
        case 159: "adjtimex"
        case 160: "setrlimit"
        case 161: "chroot"
        case 162: "sync"
        case 163: "acct"
        case 164: "settimeofday"
        case 165: "mount"
        case 166: "umount2"
        case 167: "swapon"
        case 168: "swapoff"
        case 169: "reboot"
        case 170: "sethostname"
        case 171: "setdomainname"
        case 172: "iopl"
        case 173: "ioperm"
        case 174: "create_module"
        case 175: "init_module"
        case 176: "delete_module"
        case 177: "get_kernel_syms"
        case 178: "query_module"
        case 179: "quotactl"
        case 180: "nfsservctl"
        case 181: "getpmsg"
        case 182: "putpmsg"
        case 183: "afs_syscall"
        case 184: "tuxcall"
        case 185: "security"
        case 186: "gettid"
        case 187: "readahead"
        case 188: "setxattr"
        case 189: "lsetxattr"
        case 190: "fsetxattr"
        case 191: "getxattr"
        case 192: "lgetxattr"
        case 193: "fgetxattr"
        case 194: "listxattr"
        case 195: "llistxattr"
        case 196: "flistxattr"
        case 197: "removexattr"
        case 198: "lremovexattr"
        case 199: "fremovexattr"
        case 200: "tkill"
        case 201: "time"
        case 202: "futex"
        case 203: "sched_setaffinity"
        case 204: "sched_getaffinity"
        case 205: "set_thread_area"
        case 206: "io_setup"
        case 207: "io_destroy"
        case 208: "io_getevents"
        case 209: "io_submit"
        case 210: "io_cancel"
        case 211: "get_thread_area"
        case 212: "lookup_dcookie"
        case 213: "epoll_create"
        case 214: "epoll_ctl_old"
        case 215: "epoll_wait_old"
        case 216: "remap_file_pages"
        case 217: "getdents64"
        case 218: "set_tid_address"
        case 219: "restart_syscall"
        case 220: "semtimedop"
        case 221: "fadvise64"
        case 222: "timer_create"
        case 223: "timer_settime"
        case 224: "timer_gettime"
        case 225: "timer_getoverrun"
        case 226: "timer_delete"
        case 227: "clock_settime"
        case 228: "clock_gettime"
        case 229: "clock_getres"
        case 230: "clock_nanosleep"
        case 231: "exit_group"
        case 232: "epoll_wait"
        case 233: "epoll_ctl"
        case 234: "tgkill"
        case 235: "utimes"
        case 236: "vserver"
        case 237: "mbind"
        case 238: "set_mempolicy"
        case 239: "get_mempolicy"
        case 240: "mq_open"
        case 241: "mq_unlink"
        case 242: "mq_timedsend"
        case 243: "mq_timedreceive"
        case 244: "mq_notify"
        case 245: "mq_getsetattr"
        case 246: "kexec_load"
        case 247: "waitid"
        case 248: "add_key"
        case 249: "request_key"
        case 250: "keyctl"
        case 251: "ioprio_set"
        case 252: "ioprio_get"
        case 253: "inotify_init"
        case 254: "inotify_add_watch"
        case 255: "inotify_rm_watch"
        case 256: "migrate_pages"
        case 257: "openat"
        case 258: "mkdirat"
        case 259: "mknodat"
        case 260: "fchownat"
        case 261: "futimesat"
        case 262: "newfstatat"
        case 263: "unlinkat"
        case 264: "renameat"
        case 265: "linkat"
        case 266: "symlinkat"
        case 267: "readlinkat"
        case 268: "fchmodat"
        case 269: "faccessat"
        case 270: "pselect6"
        case 271: "ppoll"
        case 272: "unshare"
        case 273: "set_robust_list"
        case 274: "get_robust_list"
        case 275: "splice"
        case 276: "tee"
        case 277: "sync_file_range"
        case 278: "vmsplice"
        case 279: "move_pages"
        case 280: "utimensat"
        case 281: "epoll_pwait"
        case 282: "signalfd"
        case 283: "timerfd_create"
        case 284: "eventfd"
        case 285: "fallocate"
        case 286: "timerfd_settime"
        case 287: "timerfd_gettime"
        case 288: "accept4"
        case 289: "signalfd4"
        case 290: "eventfd2"
        case 291: "epoll_create1"
        case 292: "dup3"
        case 293: "pipe2"
        case 294: "inotify_init1"
        case 295: "preadv"
        case 296: "pwritev"
        case 297: "rt_tgsigqueueinfo"
        case 298: "perf_event_open"
        case 299: "recvmmsg"
        case 300: "fanotify_init"
        case 301: "fanotify_mark"
        case 302: "prlimit64"
        case 303: "name_to_handle_at"
        case 304: "open_by_handle_at"
        case 305: "clock_adjtime"
        case 306: "syncfs"
        case 307: "sendmmsg"
        case 308: "setns"
        case 309: "getcpu"
        case 310: "process_vm_readv"
        case 311: "process_vm_writev"
        case 312: "kcmp"
        case 313: "finit_module"
        case 314: "sched_setattr"
        case 315: "sched_getattr"
        case 316: "renameat2"
        case 317: "seccomp"
        case 318: "getrandom"
        case 319: "memfd_create"
        case 320: "kexec_file_load"
        case 321: "bpf"
        case 322: "execveat"
        case 323: "userfaultfd"
        case 324: "membarrier"
        case 325: "mlock2"
        case 326: "copy_file_range"
        case 327: "preadv2"
        case 328: "pwritev2"
        case 329: "pkey_mprotect"
        case 330: "pkey_alloc"
        case 331: "pkey_free"
        case 332: "statx"
        case 333: "io_pgetevents"
        case 334: "rseq"
        case 424: "pidfd_send_signal"
        case 425: "io_uring_setup"
        case 426: "io_uring_enter"
        case 427: "io_uring_register"
        case 428: "open_tree"
        case 429: "move_mount"
        case 430: "fsopen"
        case 431: "fsconfig"
        case 432: "fsmount"
        case 433: "fspick"
        case 434: "pidfd_open"
        case 435: "clone3"
        case 436: "close_range"
        case 437: "openat2"
        case 438: "pidfd_getfd"
        case 439: "faccessat2"
        case 440: "process_madvise"
        case 441: "epoll_pwait2"
        case 442: "mount_setattr"
        case 443: "quotactl_fd"
        case 444: "landlock_create_ruleset"
        case 445: "landlock_add_rule"
        case 446: "landlock_restrict_self"
        case 447: "memfd_secret"
        case 448: "process_mrelease"
        case 449: "futex_waitv"
        case 450: "set_mempolicy_home_node"
        case 451: "cachestat"
        case 452: "fchmodat2"
        case 453: "map_shadow_stack"
        case 454: "futex_wake"
        case 455: "futex_wait"
        case 456: "futex_requeue"
        case 457: "statmount"
        case 458: "listmount"
        case 459: "lsm_get_self_attr"
        case 460: "lsm_set_self_attr"
        case 461: "lsm_list_modules"
        case 462: "mseal"
        default: nil
        }
    }
}
