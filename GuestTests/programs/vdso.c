/* The vDSO: found through AT_SYSINFO_EHDR, its symbols looked up the way musl does (DT_HASH,
 * versions), its clocks agreeing with the system calls, getcpu, the clock page following
 * clock_settime, [vdso]/[vvar] in /proc/self/maps, and the pages' protection: the clock page
 * cannot be written, a writable vDSO page is a private copy, dropped pages come back.
 *
 *   vdso            all of the above
 *   vdso loop N     N libc clock_gettime(CLOCK_MONOTONIC) calls between two markers, then one
 *                   CLOCK_PROCESS_CPUTIME_ID call (the tracer must see only that one)
 *   vdso absent     run with --no-vdso: no AT_SYSINFO_EHDR, the clocks still work */
#define _GNU_SOURCE
#include "../include/check.h"
#include <elf.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*gettimeofday_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef int (*clock_getres_fn)(clockid_t, struct timespec *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

static const Elf64_Ehdr *image;
static uintptr_t bias;
static const Elf64_Sym *symbols;
static const char *strings;
static const uint32_t *hash;
static const Elf64_Half *versions;
static const Elf64_Verdef *definitions;

/* Reads the image's dynamic section as a libc does; 0 when something is missing. */
static int parse_image(void) {
    image = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
    if (!image || memcmp(image->e_ident, ELFMAG, SELFMAG) != 0) return 0;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)image + image->e_phoff);
    const Elf64_Dyn *dynamic = NULL;
    int loads = 0;
    for (int i = 0; i < image->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD) {
            bias = (uintptr_t)image + ph[i].p_offset - ph[i].p_vaddr;
            loads++;
        }
        if (ph[i].p_type == PT_DYNAMIC) dynamic = (const Elf64_Dyn *)((const char *)image + ph[i].p_offset);
    }
    if (loads != 1 || !dynamic) return 0;
    for (; dynamic->d_tag != DT_NULL; dynamic++) {
        uintptr_t at = bias + dynamic->d_un.d_ptr;
        switch (dynamic->d_tag) {
        case DT_SYMTAB: symbols = (const Elf64_Sym *)at; break;
        case DT_STRTAB: strings = (const char *)at; break;
        case DT_HASH: hash = (const uint32_t *)at; break;
        case DT_VERSYM: versions = (const Elf64_Half *)at; break;
        case DT_VERDEF: definitions = (const Elf64_Verdef *)at; break;
        }
    }
    return symbols && strings && hash && versions && definitions;
}

/* The version name of version index `index`, from the definitions. */
static const char *version_name(Elf64_Half index) {
    const Elf64_Verdef *d = definitions;
    for (;;) {
        if ((d->vd_ndx & 0x7fff) == (index & 0x7fff)) {
            const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
            return strings + aux->vda_name;
        }
        if (!d->vd_next) return NULL;
        d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
    }
}

/* A function of the vDSO by name, in version LINUX_2.6, or NULL. */
static void *lookup(const char *name) {
    uint32_t count = hash[1];
    for (uint32_t i = 1; i < count; i++) {
        const Elf64_Sym *s = &symbols[i];
        if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF) continue;
        if (strcmp(strings + s->st_name, name) != 0) continue;
        const char *version = version_name(versions[i]);
        if (!version || strcmp(version, "LINUX_2.6") != 0) continue;
        return (void *)(bias + s->st_value);
    }
    return NULL;
}

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

static struct timespec sys_clock(clockid_t clock) {
    struct timespec t = {0, 0};
    syscall(SYS_clock_gettime, clock, &t);
    return t;
}

/* The start and end of the line in /proc/self/maps naming `name`, or 0. */
static int find_area(const char *name, uintptr_t *start, uintptr_t *end, char perms[5]) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return 0;
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strstr(line, name)) continue;
        unsigned long a, b;
        if (sscanf(line, "%lx-%lx %4s", &a, &b, perms) == 3) {
            *start = a;
            *end = b;
            found = 1;
        }
    }
    fclose(f);
    return found;
}

/* Runs `body` in a child; its wait status. */
static int in_child(void (*body)(void)) {
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(0);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    return status;
}

static volatile uint32_t *vvar_page;
static void write_vvar(void) {
    mprotect((void *)vvar_page, 4096, PROT_READ | PROT_WRITE);
    vvar_page[0] = 12345;
}

static clock_gettime_fn vdso_clock_gettime;
static void write_vdso_then_use(void) {
    char *page = (char *)image;
    if (mprotect(page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) _exit(2);
    page[0] = 'X';  /* the ELF magic of this process's private copy */
    struct timespec t;
    if (vdso_clock_gettime(CLOCK_MONOTONIC, &t) != 0 || t.tv_sec < 0) _exit(3);
    _exit(page[0] == 'X' ? 0 : 4);
}

static void full(void) {
    CHECK(parse_image(), "AT_SYSINFO_EHDR %p is a vDSO with symbols, DT_HASH and versions", (void *)image);
    if (!image) return;
    vdso_clock_gettime = (clock_gettime_fn)lookup("__vdso_clock_gettime");
    gettimeofday_fn vdso_gettimeofday = (gettimeofday_fn)lookup("__vdso_gettimeofday");
    time_fn vdso_time = (time_fn)lookup("__vdso_time");
    clock_getres_fn vdso_clock_getres = (clock_getres_fn)lookup("__vdso_clock_getres");
    getcpu_fn vdso_getcpu = (getcpu_fn)lookup("__vdso_getcpu");
    CHECK(vdso_clock_gettime && vdso_gettimeofday && vdso_time && vdso_clock_getres && vdso_getcpu,
          "all five functions are exported in LINUX_2.6");
    CHECK(lookup("clock_gettime") == (void *)vdso_clock_gettime, "the unprefixed alias is the same function");
    CHECK(lookup("no_such_function") == NULL, "an unknown name is not found");
    if (!vdso_clock_gettime || !vdso_gettimeofday || !vdso_time || !vdso_clock_getres || !vdso_getcpu) return;

    /* The vDSO's clocks fall between two system-call readings of the same clock. */
    clockid_t clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE,
                          CLOCK_REALTIME_COARSE};
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec before = sys_clock(clocks[i]), mid, after;
        int r = vdso_clock_gettime(clocks[i], &mid);
        after = sys_clock(clocks[i]);
        CHECK(r == 0 && ns(before) <= ns(mid) && ns(mid) <= ns(after) && mid.tv_nsec < 1000000000,
              "clock %d: %lld <= %lld <= %lld", (int)clocks[i], ns(before), ns(mid), ns(after));
    }
    /* Successive readings never go back. */
    struct timespec last, now;
    vdso_clock_gettime(CLOCK_MONOTONIC, &last);
    int backwards = 0;
    for (int i = 0; i < 10000; i++) {
        vdso_clock_gettime(CLOCK_MONOTONIC, &now);
        if (ns(now) < ns(last)) backwards++;
        last = now;
    }
    CHECK(backwards == 0, "monotonic went back %d times", backwards);
    /* Clocks the page does not cover are the system call's answer. */
    struct timespec cpu;
    CHECK(vdso_clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 && ns(cpu) > 0, "process CPU time %lld", ns(cpu));
    CHECK(vdso_clock_gettime(12345, &cpu) == -EINVAL, "an unknown clock is -EINVAL from the kernel");

    struct timeval tv;
    struct timezone tz = {99, 99};
    struct timespec real = sys_clock(CLOCK_REALTIME);
    CHECK(vdso_gettimeofday(&tv, &tz) == 0 && tv.tv_usec < 1000000 && tv.tv_sec >= real.tv_sec &&
              tv.tv_sec <= real.tv_sec + 1 && tz.tz_minuteswest == 0,
          "gettimeofday %ld.%06ld beside %ld", (long)tv.tv_sec, (long)tv.tv_usec, (long)real.tv_sec);
    time_t stored = 0;
    time_t t = vdso_time(&stored);
    CHECK(t == stored && t >= real.tv_sec && t <= real.tv_sec + 1, "time %ld stored %ld", (long)t, (long)stored);
    CHECK(vdso_time(NULL) >= t, "time(NULL)");

    struct timespec res;
    CHECK(vdso_clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec == 1, "monotonic resolution");
    struct timespec sys_res;
    syscall(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, &sys_res);
    CHECK(vdso_clock_getres(CLOCK_MONOTONIC_COARSE, &res) == 0 && res.tv_nsec == sys_res.tv_nsec,
          "coarse resolution %ld is the kernel's %ld", res.tv_nsec, sys_res.tv_nsec);

    /* getcpu answers the CPU the thread is pinned to. */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    for (long c = 0; c < cpus && c < 4; c++) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(c, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) continue;
        unsigned got = 999, node = 999;
        CHECK(vdso_getcpu(&got, &node, NULL) == 0 && got == (unsigned)c && node == 0, "pinned to %ld, getcpu says %u node %u",
              c, got, node);
        CHECK(sched_getcpu() == c, "sched_getcpu %d on %ld", sched_getcpu(), c);
    }

    /* Setting the wall clock reaches the clock page. */
    struct timespec wall = sys_clock(CLOCK_REALTIME), moved = wall, seen;
    moved.tv_sec += 100000;
    CHECK(clock_settime(CLOCK_REALTIME, &moved) == 0, "clock_settime");
    vdso_clock_gettime(CLOCK_REALTIME, &seen);
    CHECK(seen.tv_sec >= moved.tv_sec && seen.tv_sec <= moved.tv_sec + 2, "after clock_settime %ld, the vDSO says %ld",
          (long)moved.tv_sec, (long)seen.tv_sec);
    struct timespec back = sys_clock(CLOCK_REALTIME);
    back.tv_sec -= 100000;
    clock_settime(CLOCK_REALTIME, &back);

    /* /proc/self/maps names both areas: the image read and execute, the clock page below it read. */
    uintptr_t vs = 0, ve = 0, ds = 0, de = 0;
    char vp[5] = "", dp[5] = "";
    CHECK(find_area("[vdso]", &vs, &ve, vp) && vs == (uintptr_t)image && strcmp(vp, "r-xp") == 0,
          "[vdso] at %#lx %s, image at %p", (unsigned long)vs, vp, (void *)image);
    CHECK(find_area("[vvar]", &ds, &de, dp) && de == vs && de - ds == 4096 && strcmp(dp, "r--p") == 0,
          "[vvar] %#lx-%#lx %s", (unsigned long)ds, (unsigned long)de, dp);

    /* The kernel does not write into them for a system call either. */
    int zero = open("/dev/zero", O_RDONLY);
    CHECK_ERRNO(read(zero, (void *)ds, 16), EFAULT);
    CHECK_ERRNO(read(zero, (void *)image, 16), EFAULT);
    close(zero);
    CHECK(memcmp(image->e_ident, ELFMAG, SELFMAG) == 0, "the image after read() into it");
    struct timespec after_read;
    CHECK(vdso_clock_gettime(CLOCK_MONOTONIC, &after_read) == 0 && ns(after_read) >= ns(last), "the clock after read() into its page");

    /* The clock page cannot be written, even after mprotect. */
    vvar_page = (volatile uint32_t *)ds;
    int status = in_child(write_vvar);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "writing the clock page: status %#x", status);
    /* A writable vDSO page is a private copy: the child's write is not seen here. */
    status = in_child(write_vdso_then_use);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child wrote its vDSO copy: status %#x", status);
    CHECK(memcmp(image->e_ident, ELFMAG, SELFMAG) == 0, "this process's vDSO is untouched");
    /* Dropped pages come back as the kernel's pages. */
    CHECK(madvise((void *)image, ve - vs, MADV_DONTNEED) == 0, "madvise");
    struct timespec again;
    CHECK(vdso_clock_gettime(CLOCK_MONOTONIC, &again) == 0 && ns(again) >= ns(last), "the vDSO after MADV_DONTNEED");
    CHECK(memcmp(image->e_ident, ELFMAG, SELFMAG) == 0, "the image after MADV_DONTNEED");
    /* A forked child has it too, and libc uses it there. */
    status = in_child(write_vdso_then_use);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a second child: status %#x", status);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 && strcmp(argv[1], "loop") == 0) {
        long n = atol(argv[2]);
        printf("vdso: loop begins\n");
        struct timespec t, first;
        clock_gettime(CLOCK_MONOTONIC, &first);
        for (long i = 0; i < n; i++) clock_gettime(CLOCK_MONOTONIC, &t);
        struct timeval tv;
        gettimeofday(&tv, NULL);
        time(NULL);
        CHECK(ns(t) >= ns(first), "monotonic");
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        printf("vdso: loop ends\n");
        return check_summary();
    }
    if (argc > 1 && strcmp(argv[1], "absent") == 0) {
        CHECK(getauxval(AT_SYSINFO_EHDR) == 0, "no vDSO with --no-vdso");
        struct timespec a, b;
        CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0 && clock_gettime(CLOCK_MONOTONIC, &b) == 0 && ns(b) >= ns(a),
              "clock_gettime by system call");
        uintptr_t s, e;
        char p[5];
        CHECK(!find_area("[vdso]", &s, &e, p), "no [vdso] in maps");
        return check_summary();
    }
    full();
    return check_summary();
}
