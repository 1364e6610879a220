/* What a program learns about the system and its limits: uname, getrandom, resource limits
 * (prlimit64, getrlimit/setrlimit, RLIMIT_NOFILE enforced), the auxiliary vector checked
 * against the CPU and the program's own headers, reboot's argument checks, and system calls
 * Skiff does not implement (ENOSYS; the kernel logs each number once).
 *
 * `system poweroff` and `system restart` end with reboot(2) instead of returning. */
#define _GNU_SOURCE
#include "../include/check.h"
#include <cpuid.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

static void uname_checks(void) {
    struct utsname u;
    CHECK(uname(&u) == 0, "uname");
    CHECK(strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "x86_64") == 0, "sysname %s, machine %s", u.sysname, u.machine);
    CHECK(u.release[0] >= '3' && u.release[0] <= '9' && strchr(u.release, '.') != NULL, "release %s looks like Linux's",
          u.release);
    char host[65] = {0};
    CHECK(gethostname(host, sizeof host) == 0 && strcmp(host, u.nodename) == 0, "nodename %s is the host name", u.nodename);
    CHECK(sethostname("system-test", 11) == 0 && uname(&u) == 0 && strcmp(u.nodename, "system-test") == 0,
          "sethostname shows in uname: %s", u.nodename);
    CHECK_ERRNO(syscall(SYS_uname, (void *)8), EFAULT);
}

static int all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static void getrandom_checks(void) {
    unsigned char a[64] = {0}, b[64] = {0};
    CHECK(syscall(SYS_getrandom, a, sizeof a, 0) == 64 && syscall(SYS_getrandom, b, sizeof b, 0) == 64, "getrandom 64 bytes");
    CHECK(!all_zero(a, sizeof a) && memcmp(a, b, sizeof a) != 0, "two draws are random and differ");
    CHECK(syscall(SYS_getrandom, a, 16, GRND_NONBLOCK) == 16, "GRND_NONBLOCK");
    CHECK(syscall(SYS_getrandom, a, 16, GRND_RANDOM) == 16, "GRND_RANDOM");
    CHECK(syscall(SYS_getrandom, a, 16, GRND_INSECURE) == 16, "GRND_INSECURE");
    CHECK(syscall(SYS_getrandom, a, 0, 0) == 0, "zero bytes");
    CHECK_ERRNO(syscall(SYS_getrandom, a, 16, 0x100), EINVAL);
    CHECK_ERRNO(syscall(SYS_getrandom, a, 16, GRND_RANDOM | GRND_INSECURE), EINVAL);
    CHECK_ERRNO(syscall(SYS_getrandom, (void *)8, 16, 0), EFAULT);
    /* A large request is served whole (Linux caps one call at 32 MiB - 1). */
    size_t big = 1 << 20;
    unsigned char *buffer = calloc(1, big);
    CHECK(syscall(SYS_getrandom, buffer, big, 0) == (long)big && !all_zero(buffer + big - 64, 64), "1 MiB in one call");
    free(buffer);
}

static void limit_checks(void) {
    struct rlimit r;
    CHECK(getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur > 16 && r.rlim_cur <= r.rlim_max, "RLIMIT_NOFILE %lu/%lu",
          (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
    struct rlimit saved = r;
    /* A lower soft limit is enforced: descriptors stop at it with EMFILE. */
    struct rlimit low = {.rlim_cur = 16, .rlim_max = r.rlim_max};
    CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0, "setrlimit NOFILE 16");
    int highest = -1;
    for (int i = 0; i < 32; i++) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0) break;
        highest = fd;
    }
    CHECK(highest == 15 && errno == EMFILE, "descriptors stop at the limit: highest %d", highest);
    CHECK_ERRNO(dup2(0, 16), EBADF);
    for (int fd = 3; fd <= highest; fd++) close(fd);
    CHECK(setrlimit(RLIMIT_NOFILE, &saved) == 0, "restored");
    /* prlimit64 sets and returns the old value in one call. */
    struct rlimit stack_new = {.rlim_cur = 4 << 20, .rlim_max = RLIM_INFINITY}, stack_old;
    CHECK(syscall(SYS_prlimit64, 0, RLIMIT_STACK, &stack_new, &stack_old) == 0, "prlimit64 set");
    CHECK(getrlimit(RLIMIT_STACK, &r) == 0 && r.rlim_cur == 4 << 20, "the stack limit reads back: %lu", (unsigned long)r.rlim_cur);
    CHECK(syscall(SYS_prlimit64, getpid(), RLIMIT_STACK, &stack_old, NULL) == 0, "prlimit64 on one's own pid");
    struct rlimit backwards = {.rlim_cur = 10, .rlim_max = 5};
    CHECK_ERRNO(setrlimit(RLIMIT_CORE, &backwards), EINVAL);
    CHECK_ERRNO(syscall(SYS_prlimit64, 0, 99, NULL, &r), EINVAL);
    CHECK_ERRNO(syscall(SYS_prlimit64, 99999, RLIMIT_CORE, NULL, &r), ESRCH);
    CHECK_ERRNO(syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, (void *)8), EFAULT);
}

extern int main(int, char **);

/* The vector as the kernel wrote it, after the environment's NULL (glibc's getauxval answers
 * AT_HWCAP from its own x86 bits instead). */
static unsigned long raw_auxval(unsigned long type) {
    char **p = environ;
    while (*p) p++;
    for (Elf64_auxv_t *a = (Elf64_auxv_t *)(p + 1); a->a_type != AT_NULL; a++)
        if (a->a_type == type) return a->a_un.a_val;
    return 0;
}

static void auxv_checks(const char *argv0) {
    unsigned eax, ebx, ecx, edx;
    __cpuid(1, eax, ebx, ecx, edx);
    CHECK(raw_auxval(AT_HWCAP) == edx, "AT_HWCAP %#lx is CPUID.1:EDX %#x", raw_auxval(AT_HWCAP), edx);
    CHECK(getauxval(AT_PAGESZ) == 4096 && getauxval(AT_CLKTCK) == 100, "page size and clock ticks");
    CHECK(getauxval(AT_UID) == 0 && getauxval(AT_EUID) == 0 && getauxval(AT_GID) == 0 && getauxval(AT_SECURE) == 0,
          "root, not secure");
    const char *platform = (const char *)getauxval(AT_PLATFORM);
    CHECK(platform && strcmp(platform, "x86_64") == 0, "AT_PLATFORM %s", platform ? platform : "(none)");
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    CHECK(execfn && strcmp(execfn, argv0) == 0, "AT_EXECFN %s", execfn ? execfn : "(none)");
    /* AT_PHDR is the program's own header table: it holds the load segment with main in it,
     * and an interpreter entry exactly when AT_BASE names a loaded interpreter. */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    size_t count = getauxval(AT_PHNUM);
    CHECK(ph && count > 0 && getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "%zu program headers", count);
    uintptr_t bias = 0;
    int interpreter = 0;
    for (size_t i = 0; i < count; i++) {
        if (ph[i].p_type == PT_PHDR) bias = (uintptr_t)ph - ph[i].p_vaddr;
        if (ph[i].p_type == PT_INTERP) interpreter = 1;
    }
    if (bias == 0) {
        /* No PT_PHDR (static-pie from rcrt1): the headers sit at the image's first load's start + e_phoff. */
        for (size_t i = 0; i < count; i++)
            if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0) {
                bias = ((uintptr_t)ph & ~(uintptr_t)4095) - ph[i].p_vaddr;
                break;
            }
    }
    int main_found = 0, entry_found = 0;
    uintptr_t main_address = (uintptr_t)&main, entry = getauxval(AT_ENTRY);
    for (size_t i = 0; i < count; i++) {
        if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X)) continue;
        uintptr_t start = bias + ph[i].p_vaddr, end = start + ph[i].p_memsz;
        main_found |= main_address >= start && main_address < end;
        entry_found |= entry >= start && entry < end;
    }
    CHECK(main_found && entry_found, "main and AT_ENTRY lie in an executable load segment of AT_PHDR's table");
    CHECK((getauxval(AT_BASE) != 0) == interpreter, "AT_BASE %#lx for a program %s PT_INTERP", getauxval(AT_BASE),
          interpreter ? "with" : "without");
    if (interpreter) {
        const Elf64_Ehdr *ld = (const Elf64_Ehdr *)getauxval(AT_BASE);
        CHECK(memcmp(ld->e_ident, ELFMAG, SELFMAG) == 0 && ld->e_type == ET_DYN, "AT_BASE is the interpreter's ELF header");
    }
    const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(random && !all_zero(random, 16), "AT_RANDOM holds 16 random bytes");
}

static void reboot_checks(void) {
    /* Wrong magic is refused before the command is looked at (a power-off here would end the test). */
    CHECK_ERRNO(syscall(SYS_reboot, 0x12345678, 672274793, RB_POWER_OFF, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_reboot, 0xfee1dead, 1, RB_POWER_OFF, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_reboot, 0xfee1dead, 672274793, 0x11111111, 0), EINVAL);
    CHECK(reboot(RB_DISABLE_CAD) == 0 && reboot(RB_ENABLE_CAD) == 0, "Ctrl-Alt-Del settings are accepted");
}

static void unimplemented_checks(void) {
    /* kexec_load (246) is a real Linux call Skiff does not offer; 335 is unassigned. Each is
     * ENOSYS every time; the console shows one log line per number (checked by the host). */
    for (int i = 0; i < 3; i++) {
        CHECK_ERRNO(syscall(246, 0, 0, 0, 0), ENOSYS);
        CHECK_ERRNO(syscall(335, 0, 0, 0, 0), ENOSYS);
    }
    CHECK_ERRNO(syscall(100000), ENOSYS);
    CHECK_ERRNO(syscall(-1L), ENOSYS);
}

int main(int argc, char **argv) {
    uname_checks();
    getrandom_checks();
    limit_checks();
    auxv_checks(argv[0]);
    reboot_checks();
    unimplemented_checks();
    int status = check_summary();
    if (argc > 1 && strcmp(argv[1], "poweroff") == 0) {
        reboot(RB_POWER_OFF);
        printf("reboot(RB_POWER_OFF) returned: errno %d\n", errno);
        return 3;
    }
    if (argc > 1 && strcmp(argv[1], "restart") == 0) {
        reboot(RB_AUTOBOOT);
        printf("reboot(RB_AUTOBOOT) returned: errno %d\n", errno);
        return 3;
    }
    return status;
}
