/* Application memory: demand paging seen through mincore, MAP_POPULATE, mprotect and the fault
 * it causes, mremap (grow in place, move, shrink, MREMAP_FIXED), madvise(MADV_DONTNEED), brk,
 * private and shared file mappings (writable shared ones of a tmpfs file across mappings, fork,
 * read/write, truncation and SIGBUS past the end), shared anonymous memory across fork, partial munmap, and
 * the error paths of each call. */
#define _GNU_SOURCE
#include "../include/check.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static sigjmp_buf recover;
static volatile void *fault_address;

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void)sig, (void)context;
    fault_address = info->si_addr;
    siglongjmp(recover, 1);
}

/* 1 when writing a byte at `p` faults (the handler catches SIGSEGV). */
static int write_faults(volatile char *p) {
    fault_address = NULL;
    if (sigsetjmp(recover, 1)) return 1;
    *p = 1;
    return 0;
}

/* How many of the `pages` pages from `p` are resident. */
static int resident(void *p, int pages) {
    unsigned char vec[1024];
    if (mincore(p, (size_t)pages * PAGE, vec) != 0) return -1;
    int n = 0;
    for (int i = 0; i < pages; i++) n += vec[i] & 1;
    return n;
}

static volatile int fault_signal, fault_code;

static void on_bus(int sig, siginfo_t *info, void *context) {
    (void)context;
    fault_signal = sig, fault_code = info->si_code, fault_address = info->si_addr;
    siglongjmp(recover, 1);
}

/* The signal reading a byte at `p` raises, or 0. */
static int read_signal(volatile char *p) {
    fault_signal = 0;
    if (sigsetjmp(recover, 1)) return fault_signal;
    (void)*p;
    return 0;
}

/* Writable MAP_SHARED mappings of a tmpfs file: one set of pages for every mapping, every
 * process and read/write; SIGBUS past the end of the file; truncation seen by the mapping. */
static void check_shared_file(void) {
    struct sigaction bus = {.sa_sigaction = on_bus, .sa_flags = SA_SIGINFO};
    sigaction(SIGBUS, &bus, NULL);
    int fd = open("/tmp/shared-map", O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK(fd >= 0 && ftruncate(fd, PAGE + 100) == 0, "a file of one page and a bit");
    char *one = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(one != MAP_FAILED && two != MAP_FAILED && one != two, "two writable shared mappings of it");
    strcpy(one + 10, "stored");
    char buf[16] = {0};
    CHECK(strcmp(two + 10, "stored") == 0, "a store through one mapping shows in the other");
    CHECK(pread(fd, buf, 6, 10) == 6 && memcmp(buf, "stored", 6) == 0, "and in read(), before any msync");
    CHECK(pwrite(fd, "written", 7, PAGE + 20) == 7 && strcmp(one + PAGE + 20, "written") == 0, "write() shows in the mapping");
    CHECK(read_signal(one + 2 * PAGE) == SIGBUS && fault_code == BUS_ADRERR && fault_address == one + 2 * PAGE,
          "a page wholly past the end of the file is SIGBUS (BUS_ADRERR), got %d/%d", fault_signal, fault_code);
    CHECK(one[PAGE + 200] == 0 && read_signal(one + PAGE + 4000) == 0, "the rest of the last page reads as zeros");
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(two + 30, "from the child");
        _exit(strcmp(one + 10, "stored") == 0 ? 0 : 1);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 && strcmp(one + 30, "from the child") == 0,
          "a forked child shares the file's pages both ways");
    CHECK(msync(one, 2 * PAGE, MS_SYNC) == 0 && msync(one, PAGE, MS_ASYNC | MS_INVALIDATE) == 0, "msync");
    CHECK_ERRNO(msync(one, PAGE, MS_SYNC | MS_ASYNC), EINVAL);
    CHECK_ERRNO(msync(one + 1, PAGE, MS_SYNC), EINVAL);
    /* Truncation: zeros past the new end, and the file grown again is shared again. */
    CHECK(ftruncate(fd, 20) == 0 && one[10] == 's' && one[25] == 0 && two[30] == 0, "truncation zeroes the mapped bytes past the end");
    CHECK(ftruncate(fd, 2 * PAGE) == 0 && pwrite(fd, "regrown", 7, 100) == 7 && strcmp(one + 100, "regrown") == 0,
          "the file grown again is still shared with the mapping");
    /* Protection: a read-only shared mapping refuses stores; mprotect can allow them. */
    char *ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(ro != MAP_FAILED && write_faults(ro) && mprotect(ro, PAGE, PROT_READ | PROT_WRITE) == 0 && !write_faults(ro + 1) &&
              one[1] == 1,
          "mprotect makes a shared file mapping writable");
    int rdonly = open("/tmp/shared-map", O_RDONLY);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rdonly, 0) == MAP_FAILED ? -1 : 0, EACCES);
    CHECK(munmap(one, 3 * PAGE) == 0 && munmap(two, 2 * PAGE) == 0 && munmap(ro, PAGE) == 0, "munmap");
    CHECK(pread(fd, buf, 7, 100) == 7 && memcmp(buf, "regrown", 7) == 0, "the data stays in the file");
    close(rdonly), close(fd);
    unlink("/tmp/shared-map");
    signal(SIGBUS, SIG_DFL);
}

int main(void) {
    struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
    sigaction(SIGSEGV, &sa, NULL);

    /* Demand paging: nothing is resident until touched. */
    char *lazy = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(lazy != MAP_FAILED, "anonymous mmap");
    CHECK(resident(lazy, 64) == 0, "a fresh mapping has no resident pages (%d)", resident(lazy, 64));
    lazy[0] = 1;
    lazy[10 * PAGE] = 1;
    CHECK(resident(lazy, 64) == 2, "two touched pages are resident (%d)", resident(lazy, 64));
    CHECK(lazy[20 * PAGE] == 0 && resident(lazy, 64) == 3, "a read fault maps a zero page");

    /* MAP_POPULATE: every page is there before the first touch. */
    char *eager = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    CHECK(eager != MAP_FAILED && resident(eager, 64) == 64, "MAP_POPULATE maps every page (%d)", resident(eager, 64));

    /* madvise(MADV_DONTNEED) drops anonymous pages: they read back as zero. */
    memset(eager, 0x5a, 4 * PAGE);
    CHECK(madvise(eager, 4 * PAGE, MADV_DONTNEED) == 0, "madvise(MADV_DONTNEED)");
    CHECK(eager[0] == 0 && eager[3 * PAGE + 17] == 0, "dropped pages read back as zero");
    CHECK(resident(eager + 4 * PAGE, 60) == 60, "the rest stays resident");
    CHECK_ERRNO(madvise(eager + 1, PAGE, MADV_DONTNEED), EINVAL);
    CHECK_ERRNO(madvise(eager, PAGE, 12345), EINVAL);

    /* mprotect: a read-only page faults on write, at the address written. */
    CHECK(mprotect(lazy, PAGE, PROT_READ) == 0, "mprotect read-only");
    CHECK(write_faults(lazy + 5) && fault_address == lazy + 5, "writing a read-only page is SIGSEGV at %p", (void *)fault_address);
    CHECK(mprotect(lazy, PAGE, PROT_READ | PROT_WRITE) == 0 && !write_faults(lazy + 5), "writable again");
    CHECK_ERRNO(syscall(SYS_mprotect, lazy + 1, PAGE, PROT_READ), EINVAL);  /* musl would round it */
    CHECK_ERRNO(mprotect(lazy, PAGE, 0x100), EINVAL);

    /* munmap of the middle: the hole faults, both sides stay. */
    CHECK(munmap(lazy + 8 * PAGE, 4 * PAGE) == 0, "munmap of the middle");
    CHECK(write_faults(lazy + 9 * PAGE), "the hole faults");
    CHECK(!write_faults(lazy + 7 * PAGE) && !write_faults(lazy + 12 * PAGE), "both sides stay");
    CHECK(lazy[0] == 1, "contents before the hole kept");
    CHECK_ERRNO(munmap(lazy + 1, PAGE), EINVAL);
    CHECK_ERRNO(munmap(lazy, 0), EINVAL);
    CHECK_ERRNO(mincore(lazy + 9 * PAGE, PAGE, (unsigned char[1]){0}), ENOMEM);
    CHECK_ERRNO(mincore(lazy + 1, PAGE, (unsigned char[1]){0}), EINVAL);
    CHECK_ERRNO(mincore(lazy, PAGE, (unsigned char *)8), EFAULT);

    /* mremap: grow (moving if it must), keeping the contents; shrink; move to a fixed place. */
    char *r = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 4; i++) r[i * PAGE] = (char)('a' + i);
    char *grown = mremap(r, 4 * PAGE, 32 * PAGE, MREMAP_MAYMOVE);
    CHECK(grown != MAP_FAILED && grown[0] == 'a' && grown[3 * PAGE] == 'd' && grown[20 * PAGE] == 0,
          "mremap grows and keeps the contents");
    grown[31 * PAGE] = 'z';
    char *shrunk = mremap(grown, 32 * PAGE, 2 * PAGE, 0);
    CHECK(shrunk == grown && shrunk[PAGE] == 'b', "mremap shrinks in place");
    CHECK(write_faults(grown + 3 * PAGE), "the cut-off tail is gone");
    char *target = mmap(NULL, 8 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *moved = mremap(shrunk, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target + 4 * PAGE);
    CHECK(moved == target + 4 * PAGE && moved[0] == 'a' && moved[PAGE] == 'b', "MREMAP_FIXED moves to the address given");
    CHECK(write_faults(shrunk), "the old place is unmapped");
    CHECK_ERRNO(mremap(moved, 2 * PAGE, 64 * PAGE, 0) == MAP_FAILED ? -1 : 0, ENOMEM);  /* no room in place */
    CHECK_ERRNO(mremap(moved + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0, EINVAL);
    CHECK_ERRNO(mremap(moved, PAGE, 0, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0, EINVAL);
    CHECK_ERRNO(mremap(moved, PAGE, 2 * PAGE, MREMAP_FIXED, target) == MAP_FAILED ? -1 : 0, EINVAL);

    /* brk grows and shrinks the heap (raw calls: musl's brk and sbrk refuse to move it). */
    char *start = (char *)syscall(SYS_brk, 0);
    CHECK((char *)syscall(SYS_brk, start + 16 * PAGE) == start + 16 * PAGE, "brk grows");
    CHECK(!write_faults(start + 16 * PAGE - 1), "the new heap is writable");
    CHECK((char *)syscall(SYS_brk, start + PAGE) == start + PAGE, "brk shrinks");
    CHECK(write_faults(start + 8 * PAGE), "the released heap is gone");

    /* File mappings: private writes stay private; shared ones reach the file. */
    int fd = open("/tmp/memory-map", O_CREAT | O_RDWR | O_TRUNC, 0600);
    char block[2 * PAGE];
    memset(block, 'f', sizeof block);
    CHECK(fd >= 0 && write(fd, block, sizeof block) == (ssize_t)sizeof block, "file for mapping");
    char *priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    CHECK(priv != MAP_FAILED && priv[0] == 'f' && resident(priv, 2) == 2, "private file mapping, populated");
    priv[0] = 'p';
    char c = 0;
    CHECK(pread(fd, &c, 1, 0) == 1 && c == 'f', "a private write leaves the file alone");
    char *ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, PAGE);
    CHECK(ro != MAP_FAILED && ro[0] == 'f' && write_faults(ro), "a read-only shared mapping faults on write");
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED ? -1 : 0, EINVAL);
    int wo = open("/tmp/memory-map", O_WRONLY);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wo, 0) == MAP_FAILED ? -1 : 0, EACCES);
    close(wo);
    close(fd);

    /* Shared anonymous memory is shared with a forked child; private memory is copied. */
    volatile int *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *copied = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *shared = 1;
    *copied = 1;
    pid_t pid = fork();
    if (pid == 0) {
        *shared = 2;
        *copied = 2;
        _exit(0);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && *shared == 2 && *copied == 1, "MAP_SHARED is shared, MAP_PRIVATE copied");
    check_shared_file();

    /* Bad arguments. */
    CHECK_ERRNO(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL);
    /* Unknown protection bits are ignored by mmap (Linux does not check them; mprotect does). */
    char *odd = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | 0x100, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(odd != MAP_FAILED && !write_faults(odd), "mmap ignores unknown protection bits");
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL);
    CHECK_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 12345, 0) == MAP_FAILED ? -1 : 0, EBADF);
    CHECK_ERRNO(mmap((void *)0x10001, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL);
    void *noreplace = mmap(eager, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(noreplace == MAP_FAILED && errno == EEXIST, "MAP_FIXED_NOREPLACE over a mapping is EEXIST");
    /* The kernel image is mapped below 4 MiB in every address space, supervisor-only. The
     * kernel must refuse pointers into it rather than copy through them, and must not let a
     * mapping call reach its page tables. */
    char probe[16];
    int devnull = open("/dev/null", O_WRONLY);
    CHECK_ERRNO(write(devnull, (void *)0x100000, 16), EFAULT);
    CHECK_ERRNO(write(devnull, (void *)0x3ffff8, 16), EFAULT);
    int zero = open("/dev/zero", O_RDONLY);
    CHECK_ERRNO(read(zero, (void *)0x200000, 16), EFAULT);
    CHECK_ERRNO(syscall(SYS_open, (void *)0x100000, O_RDONLY), EFAULT);
    CHECK(mmap((void *)0x10000, PAGE, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
          "MAP_FIXED over the kernel image is refused");
    CHECK(munmap((void *)0x200000, PAGE) == -1, "munmap of the kernel image is refused");
    CHECK(mprotect((void *)0x200000, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC) == -1, "mprotect of the kernel image is refused");
    CHECK(read(zero, probe, sizeof probe) == 16 && write(devnull, probe, 16) == 16, "the kernel still answers");
    close(zero);
    close(devnull);
    return check_summary();
}
