/* procfs and sysfs: the files programs parse (maps, status, stat, meminfo, cpuinfo, the CPU
 * lists of /sys), descriptors as magic links, threads and children as directories, and the
 * error paths. Run as `procfs MEMORY_MIB CPUS`: what the VM was given. */
#define _GNU_SOURCE
#include "../include/check.h"
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* The whole of a file, read in pieces of `chunk` bytes; the length, or -1. */
static long slurp(const char *path, char *buf, size_t size, size_t chunk) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t used = 0;
    while (used + 1 < size) {
        size_t want = size - 1 - used < chunk ? size - 1 - used : chunk;
        ssize_t n = read(fd, buf + used, want);
        if (n < 0) { close(fd); return -1; }
        if (n == 0) break;
        used += (size_t)n;
    }
    buf[used] = 0;
    close(fd);
    return (long)used;
}

/* The value after "key" at the start of a line ("Pid:\t12" → 12), or -1. */
static long field(const char *text, const char *key) {
    size_t len = strlen(key);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, len) == 0) return strtol(line + len, NULL, 10);
    }
    return -1;
}

static int count_entries(const char *path, const char *want, int *found) {
    DIR *d = opendir(path);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    if (found) *found = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        n++;
        if (found && want && strcmp(e->d_name, want) == 0) *found = 1;
    }
    closedir(d);
    return n;
}

static int has_line(const char *text, const char *line) {
    size_t len = strlen(line);
    for (const char *p = text; (p = strstr(p, line)); p++) {
        if ((p == text || p[-1] == '\n') && (p[len] == '\n' || p[len] == 0)) return 1;
    }
    return 0;
}

static pthread_barrier_t started, finish;
static pid_t thread_ids[3];

static void *worker(void *arg) {
    long index = (long)arg;
    thread_ids[index] = (pid_t)syscall(SYS_gettid);
    char name[16];
    snprintf(name, sizeof name, "worker-%ld", index);
    prctl(PR_SET_NAME, name);
    pthread_barrier_wait(&started);
    pthread_barrier_wait(&finish);
    return NULL;
}

static char text[1 << 20];  /* /proc/cpuinfo of 255 CPUs is over 200 KiB */

static void check_maps(const char *program) {
    int local = 0;
    void *heap = malloc(64);
    CHECK(slurp("/proc/self/maps", text, sizeof text, 100) > 0, "read /proc/self/maps");
    int lines = 0, stack = 0, code = 0, bad = 0;
    const char *base = strrchr(program, '/') ? strrchr(program, '/') + 1 : program;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long start, end, offset, inode;
        char perms[5], dev[8];
        int name_at = 0;
        if (sscanf(line, "%lx-%lx %4s %lx %7s %lu %n", &start, &end, perms, &offset, dev, &inode, &name_at) < 6
            || start >= end) {
            bad++;
            printf("unparsable maps line: %s\n", line);
            continue;
        }
        lines++;
        const char *name = name_at ? line + name_at : "";
        if ((uintptr_t)&local >= start && (uintptr_t)&local < end) stack = strcmp(name, "[stack]") == 0 && perms[1] == 'w';
        if ((uintptr_t)&check_maps >= start && (uintptr_t)&check_maps < end) {
            code = perms[0] == 'r' && perms[2] == 'x' && strstr(name, base) != NULL && inode != 0;
            printf("code: %s\n", line);
        }
    }
    CHECK(bad == 0 && lines >= 4, "maps parses: %d lines, %d bad", lines, bad);
    CHECK(stack, "the stack is [stack] and writable");
    CHECK(code, "the code is r-x and named after the program (%s)", base);
    free(heap);
}

static void check_status(int threads) {
    CHECK(slurp("/proc/self/status", text, sizeof text, 4096) > 0, "read status");
    CHECK(field(text, "Pid:\t") == getpid(), "status Pid is getpid(): %ld", field(text, "Pid:\t"));
    CHECK(field(text, "Tgid:\t") == getpid(), "status Tgid");
    CHECK(field(text, "PPid:\t") == getppid(), "status PPid is getppid()");
    CHECK(field(text, "Threads:\t") == threads, "status Threads %ld, expected %d", field(text, "Threads:\t"), threads);
    CHECK(field(text, "VmRSS:\t") > 0 && field(text, "VmSize:\t") >= field(text, "VmRSS:\t"), "VmRSS and VmSize");
    CHECK(strstr(text, "\nState:\tR (running)\n") != NULL, "the reader is running");
    CHECK(strstr(text, "\nUid:\t0\t0\t0\t0\n") != NULL, "Uid line");
    /* Signal sets: a handler and a blocked signal show. */
    char line[64];
    snprintf(line, sizeof line, "\nSigBlk:\t%016llx\n", 1ULL << (SIGUSR2 - 1));
    CHECK(strstr(text, line) != NULL, "SigBlk shows SIGUSR2");
    snprintf(line, sizeof line, "\nSigIgn:\t%016llx\n", 1ULL << (SIGPIPE - 1));
    CHECK(strstr(text, line) != NULL, "SigIgn shows SIGPIPE");
}

static void check_stat(int threads) {
    CHECK(slurp("/proc/self/stat", text, sizeof text, 7) > 0, "read stat");
    int pid = 0;
    char state = 0;
    int ppid = -1;
    CHECK(sscanf(text, "%d (%*[^)]) %c %d", &pid, &state, &ppid) == 3, "stat parses: %s", text);
    CHECK(pid == getpid() && state == 'R' && ppid == getppid(), "stat pid %d state %c ppid %d", pid, state, ppid);
    const char *rest = strrchr(text, ')');
    int fields = 2;
    for (const char *p = rest + 1; *p; p++) if (*p == ' ') fields++;
    CHECK(fields == 52, "stat has 52 fields: %d", fields);
    long values[60] = {0};
    int n = 0;
    char *save = NULL, *copy = strdup(rest + 2);
    for (char *tok = strtok_r(copy, " \n", &save); tok && n < 60; tok = strtok_r(NULL, " \n", &save)) values[n++] = strtol(tok, NULL, 10);
    free(copy);
    /* values[0] is field 3 (state). */
    CHECK(values[20 - 3] == threads, "num_threads %ld", values[20 - 3]);
    CHECK(values[23 - 3] > 0 && values[24 - 3] > 0, "vsize %ld rss %ld", values[23 - 3], values[24 - 3]);
    CHECK(slurp("/proc/self/statm", text, sizeof text, 4096) > 0, "read statm");
    long size = 0, resident = 0;
    CHECK(sscanf(text, "%ld %ld", &size, &resident) == 2 && size >= resident && resident > 0, "statm: %s", text);
}

static void check_threads(void) {
    pthread_t t[3];
    pthread_barrier_init(&started, NULL, 4);
    pthread_barrier_init(&finish, NULL, 4);
    for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_barrier_wait(&started);
    check_status(4);
    check_stat(4);
    CHECK(count_entries("/proc/self/task", NULL, NULL) == 4, "task/ lists 4 threads");
    char path[64], expect[32];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", thread_ids[1]);
    CHECK(slurp(path, text, sizeof text, 4096) > 0 && strcmp(text, "worker-1\n") == 0, "a thread's comm: %s", text);
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", thread_ids[2]);
    CHECK(slurp(path, text, sizeof text, 4096) > 0 && atoi(text) == thread_ids[2], "a thread's stat");
    snprintf(path, sizeof path, "/proc/self/task/%d/status", thread_ids[0]);
    CHECK(slurp(path, text, sizeof text, 4096) > 0 && field(text, "Pid:\t") == thread_ids[0]
        && field(text, "Tgid:\t") == getpid(), "a thread's status");
    /* /proc/TID works but only processes are listed. */
    snprintf(path, sizeof path, "/proc/%d/status", thread_ids[0]);
    CHECK(slurp(path, text, sizeof text, 4096) > 0 && field(text, "Pid:\t") == thread_ids[0], "/proc/TID is found");
    snprintf(path, sizeof path, "/proc/%d/task", thread_ids[0]);
    CHECK(count_entries(path, NULL, NULL) == 4, "/proc/TID/task lists the threads");
    snprintf(expect, sizeof expect, "%d", thread_ids[0]);
    int found = 1;
    count_entries("/proc", expect, &found);
    CHECK(!found, "/proc does not list threads");
    pthread_barrier_wait(&finish);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    struct timespec nap = {0, 20 * 1000 * 1000};
    nanosleep(&nap, NULL);
    CHECK(count_entries("/proc/self/task", NULL, NULL) == 1, "task/ after join");
}

static void check_descriptors(void) {
    char path[64], link[256];
    /* A file: its path; fdinfo follows the position and O_CLOEXEC. */
    int fd = open("/tmp/procfs-file", O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
    CHECK(write(fd, "0123456789", 10) == 10, "write");
    lseek(fd, 4, SEEK_SET);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, link, sizeof link - 1);
    CHECK(n == 16 && memcmp(link, "/tmp/procfs-file", 16) == 0, "fd link names the file: %.*s", (int)n, link);
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    CHECK(slurp(path, text, sizeof text, 4096) > 0 && field(text, "pos:\t") == 4, "fdinfo pos: %s", text);
    char *flags = strstr(text, "flags:\t");
    CHECK(flags && (strtol(flags + 7, NULL, 8) & (O_CLOEXEC | O_ACCMODE)) == (O_CLOEXEC | O_RDWR), "fdinfo flags: %s", text);
    /* Re-opening through the link is a new description of the same file, even once deleted. */
    unlink("/tmp/procfs-file");
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    n = readlink(path, link, sizeof link - 1);
    CHECK(n > 0 && strncmp(link, "/tmp/procfs-file (deleted)", (size_t)n) == 0, "a deleted file: %.*s", (int)n, link);
    int again = open(path, O_RDONLY);
    char buf[16] = {0};
    CHECK(again >= 0 && read(again, buf, 10) == 10 && memcmp(buf, "0123456789", 10) == 0, "re-open a deleted file");
    CHECK(lseek(fd, 0, SEEK_CUR) == 4, "the re-open has its own position");
    close(again);
    close(fd);
    CHECK_ERRNO(readlink(path, link, sizeof link), ENOENT);
    /* A pipe: "pipe:[N]", and opening the link reaches the pipe. */
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
    n = readlink(path, link, sizeof link - 1);
    CHECK(n > 7 && strncmp(link, "pipe:[", 6) == 0 && link[n - 1] == ']', "pipe link: %.*s", (int)n, link);
    struct stat ps, ls;
    CHECK(fstat(p[0], &ps) == 0 && stat(path, &ls) == 0 && ps.st_ino == ls.st_ino && S_ISFIFO(ls.st_mode), "stat follows to the pipe");
    CHECK(lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode) && (ls.st_mode & 0777) == 0500, "the link itself: %o", ls.st_mode);
    int reader = open(path, O_RDONLY);
    CHECK(reader >= 0 && write(p[1], "xy", 2) == 2 && read(reader, buf, 2) == 2 && memcmp(buf, "xy", 2) == 0, "read a pipe through its link");
    close(reader);
    close(p[0]);
    close(p[1]);
    /* Anonymous inodes and sockets. */
    int efd = eventfd(5, 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", efd);
    n = readlink(path, link, sizeof link - 1);
    CHECK(n == 20 && memcmp(link, "anon_inode:[eventfd]", 20) == 0, "eventfd link: %.*s", (int)n, link);
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", efd);
    char count_line[64];
    snprintf(count_line, sizeof count_line, "eventfd-count: %16llx\n", 5ULL);
    CHECK(slurp(path, text, sizeof text, 4096) > 0 && strstr(text, count_line), "eventfd count: %s", text);
    close(efd);
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", sock);
    n = readlink(path, link, sizeof link - 1);
    CHECK(n > 9 && strncmp(link, "socket:[", 8) == 0, "socket link: %.*s", (int)n, link);
    CHECK_ERRNO(open(path, O_RDWR), ENXIO);
    close(sock);
    /* The standard descriptors, and /dev/stdout through /proc/self/fd/1. */
    CHECK(count_entries("/proc/self/fd", NULL, NULL) >= 3, "fd/ lists the open descriptors");
    int out = open("/dev/stdout", O_WRONLY);
    CHECK(out >= 0 && write(out, "through /dev/stdout\n", 20) == 20, "write through /dev/stdout");
    close(out);
}

static void check_self(int argc, char **argv) {
    char link[256], expect[64];
    ssize_t n = readlink("/proc/self", link, sizeof link - 1);
    snprintf(expect, sizeof expect, "%d", getpid());
    CHECK(n == (ssize_t)strlen(expect) && memcmp(link, expect, (size_t)n) == 0, "/proc/self is the pid: %.*s", (int)n, link);
    n = readlink("/proc/thread-self", link, sizeof link - 1);
    snprintf(expect, sizeof expect, "%d/task/%d", getpid(), (int)syscall(SYS_gettid));
    CHECK(n == (ssize_t)strlen(expect) && memcmp(link, expect, (size_t)n) == 0, "/proc/thread-self: %.*s", (int)n, link);
    /* exe: the absolute path, and opening it gives the ELF file. */
    n = readlink("/proc/self/exe", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    CHECK(n > 0 && strcmp(link, argv[0]) == 0, "/proc/self/exe is %s: %s", argv[0], link);
    char magic[4] = {0};
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0 && read(fd, magic, 4) == 4 && memcmp(magic, "\177ELF", 4) == 0, "open /proc/self/exe");
    close(fd);
    /* cmdline and environ. */
    long len = slurp("/proc/self/cmdline", text, sizeof text, 3);
    long want = 0;
    for (int i = 0; i < argc; i++) want += (long)strlen(argv[i]) + 1;
    CHECK(len == want && strcmp(text, argv[0]) == 0 && strcmp(text + strlen(argv[0]) + 1, argv[1]) == 0, "cmdline (%ld bytes)", len);
    len = slurp("/proc/self/environ", text, sizeof text, 4096);
    int path_seen = 0;
    for (long i = 0; i < len; i += (long)strlen(text + i) + 1) path_seen |= strncmp(text + i, "PATH=", 5) == 0;
    CHECK(path_seen, "environ has PATH");
    /* cwd and root follow chdir. */
    CHECK(chdir("/tmp") == 0, "chdir");
    n = readlink("/proc/self/cwd", link, sizeof link - 1);
    CHECK(n == 4 && memcmp(link, "/tmp", 4) == 0, "cwd: %.*s", (int)n, link);
    n = readlink("/proc/self/root", link, sizeof link - 1);
    CHECK(n == 1 && link[0] == '/', "root");
    snprintf(expect, sizeof expect, "/proc/%d", getpid());
    CHECK(chdir("/proc/self") == 0 && getcwd(link, sizeof link) && strcmp(link, expect) == 0, "getcwd in /proc/self: %s", link);
    CHECK(access("status", R_OK) == 0 && access("fd/0", F_OK) == 0, "relative paths in /proc/self");
    chdir("/");
    /* auxv agrees with getauxval. */
    unsigned long aux[128];
    len = slurp("/proc/self/auxv", (char *)aux, sizeof aux, 4096);
    unsigned long pagesize = 0, entry = 0;
    for (long i = 0; i + 1 < len / 8 && aux[i]; i += 2) {
        if (aux[i] == AT_PAGESZ) pagesize = aux[i + 1];
        if (aux[i] == AT_ENTRY) entry = aux[i + 1];
    }
    CHECK(pagesize == 4096 && entry == getauxval(AT_ENTRY), "auxv: page size %lu, entry %lx", pagesize, entry);
    /* limits shows getrlimit. */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    char line[128];
    snprintf(line, sizeof line, "Max open files            %-20lu %-20lu files     ", (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
    CHECK(slurp("/proc/self/limits", text, sizeof text, 4096) > 0 && has_line(text, line), "limits: %s", line);
    /* comm is readable and writable. */
    CHECK(slurp("/proc/self/comm", text, sizeof text, 4096) > 0 && strncmp(text, "procfs", 6) == 0, "comm: %s", text);
    fd = open("/proc/self/comm", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0 && write(fd, "renamed", 7) == 7, "write comm");
    close(fd);
    char name[17] = {0};
    prctl(PR_GET_NAME, name);
    CHECK(strcmp(name, "renamed") == 0, "prctl sees the new name: %s", name);
    CHECK(slurp("/proc/self/stat", text, sizeof text, 4096) > 0 && strstr(text, " (renamed) ") != NULL, "stat shows it");
    /* mounts. */
    CHECK(slurp("/proc/self/mounts", text, sizeof text, 4096) > 0, "read mounts");
    CHECK(strstr(text, "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n") && strstr(text, "sysfs /sys sysfs ")
        && strstr(text, "tmpfs /tmp tmpfs rw,relatime 0 0\n"), "mounts: %s", text);
    char other[8192];
    CHECK(slurp("/proc/mounts", other, sizeof other, 4096) > 0 && strcmp(text, other) == 0, "/proc/mounts is self/mounts");
    CHECK(slurp("/proc/self/mountinfo", text, sizeof text, 4096) > 0 && strstr(text, " / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"), "mountinfo: %s", text);
}

static void check_system(long memory_mib, int cpus) {
    CHECK(slurp("/proc/meminfo", text, sizeof text, 64) > 0, "read meminfo");
    long total = field(text, "MemTotal:"), free_kb = field(text, "MemFree:"), available = field(text, "MemAvailable:");
    printf("MemTotal %ld kB of %ld MiB\n", total, memory_mib);
    CHECK(total > memory_mib * 1024 / 2 && total <= memory_mib * 1024, "MemTotal %ld kB for -m %ld", total, memory_mib);
    CHECK(free_kb > 0 && free_kb <= total && available >= free_kb, "MemFree %ld MemAvailable %ld", free_kb, available);
    char swap[64];
    snprintf(swap, sizeof swap, "\n%-16s%8d kB\n", "SwapTotal:", 0);
    CHECK(strstr(text, "\nCached:") && strstr(text, "\nShmem:") && strstr(text, swap), "meminfo lines");
    CHECK(slurp("/proc/cpuinfo", text, sizeof text, 512) > 0, "read cpuinfo");
    int processors = 0;
    for (const char *p = text; (p = strstr(p, "processor\t: ")); p++) processors++;
    CHECK(processors == cpus, "cpuinfo has %d processors, expected %d", processors, cpus);
    CHECK(strstr(text, "\nflags\t\t: fpu ") && strstr(text, " sse2 ") && strstr(text, "\nvendor_id\t: "), "cpuinfo flags");
    char expect[32];
    if (cpus == 1) snprintf(expect, sizeof expect, "0\n"); else snprintf(expect, sizeof expect, "0-%d\n", cpus - 1);
    CHECK(slurp("/sys/devices/system/cpu/online", text, sizeof text, 4096) > 0 && strcmp(text, expect) == 0, "cpu/online: %s", text);
    CHECK(slurp("/sys/devices/system/cpu/possible", text, sizeof text, 4096) > 0 && strcmp(text, expect) == 0, "cpu/possible: %s", text);
    CHECK(sysconf(_SC_NPROCESSORS_ONLN) == cpus, "sysconf(_SC_NPROCESSORS_ONLN) %ld", sysconf(_SC_NPROCESSORS_ONLN));
    int found = 0;
    CHECK(count_entries("/sys/devices/system/cpu", "cpu0", &found) >= 3 && found, "cpu0/ exists");
    CHECK(slurp("/sys/kernel/mm/transparent_hugepage/enabled", text, sizeof text, 4096) > 0 && strstr(text, "[never]"), "THP setting");
    CHECK(slurp("/sys/class/net/lo/mtu", text, sizeof text, 4096) > 0 && atoi(text) > 0, "lo mtu: %s", text);
    /* /proc/stat, uptime, loadavg, version. */
    CHECK(slurp("/proc/stat", text, sizeof text, 4096) > 0 && strncmp(text, "cpu  ", 5) == 0, "stat starts with cpu");
    int lines = 0;
    for (const char *p = text; (p = strstr(p, "\ncpu")); p++) lines++;
    CHECK(lines == cpus, "a cpuN line per CPU: %d", lines);
    CHECK(field(strstr(text, "\nbtime ") + 1, "btime ") > 1600000000 && field(strstr(text, "\nprocesses ") + 1, "processes ") > 0, "btime, processes");
    double up = 0, idle = -1;
    CHECK(slurp("/proc/uptime", text, sizeof text, 4096) > 0 && sscanf(text, "%lf %lf", &up, &idle) == 2 && up > 0 && idle >= 0, "uptime: %s", text);
    double l1, l5, l15;
    int running, total_threads, last;
    CHECK(slurp("/proc/loadavg", text, sizeof text, 4096) > 0
        && sscanf(text, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &total_threads, &last) == 6 && running >= 1, "loadavg: %s", text);
    CHECK(slurp("/proc/version", text, sizeof text, 4096) > 0 && strncmp(text, "Linux version ", 14) == 0, "version");
    /* filesystems: every type mount accepts, "nodev" unless it mounts a block device. */
    CHECK(slurp("/proc/filesystems", text, sizeof text, 7) > 0, "read filesystems");
    const char *types[] = {"nodev\tsysfs", "nodev\ttmpfs", "nodev\tdevtmpfs", "nodev\tproc", "nodev\tramfs",
                           "\text2", "\text3", "\text4", "nodev\t9p", "nodev\tskiffimg"};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) CHECK(has_line(text, types[i]), "filesystems lists %s", types[i]);
    int type_lines = 0;
    for (const char *p = text; (p = strchr(p, '\n')); p++) type_lines++;
    CHECK(type_lines == (int)(sizeof types / sizeof *types), "only those: %s", text);
    struct utsname u;
    uname(&u);
    CHECK(slurp("/proc/sys/kernel/ostype", text, sizeof text, 4096) > 0 && strcmp(text, "Linux\n") == 0, "ostype");
    CHECK(slurp("/proc/sys/kernel/osrelease", text, sizeof text, 4096) > 0 && strncmp(text, u.release, strlen(u.release)) == 0, "osrelease");
    CHECK(slurp("/proc/sys/kernel/hostname", text, sizeof text, 4096) > 0 && strncmp(text, u.nodename, strlen(u.nodename)) == 0, "hostname");
    CHECK(slurp("/proc/sys/kernel/pid_max", text, sizeof text, 4096) > 0 && atol(text) >= 32768, "pid_max");
    CHECK(slurp("/proc/sys/vm/overcommit_memory", text, sizeof text, 4096) > 0 && strcmp(text, "1\n") == 0, "overcommit_memory");
    char id1[64], id2[64];
    slurp("/proc/sys/kernel/random/boot_id", id1, sizeof id1, 4096);
    slurp("/proc/sys/kernel/random/boot_id", id2, sizeof id2, 4096);
    CHECK(strlen(id1) == 37 && strcmp(id1, id2) == 0, "boot_id stays: %s", id1);
    slurp("/proc/sys/kernel/random/uuid", id1, sizeof id1, 4096);
    slurp("/proc/sys/kernel/random/uuid", id2, sizeof id2, 4096);
    CHECK(strlen(id1) == 37 && id1[14] == '4' && strcmp(id1, id2) != 0, "uuid changes: %s", id1);
}

static void check_tree(void) {
    struct stat st;
    CHECK(stat("/proc/meminfo", &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0444 && st.st_size == 0, "meminfo mode %o", st.st_mode);
    CHECK(stat("/proc/self", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0555, "a process directory %o", st.st_mode);
    CHECK(lstat("/proc/self", &st) == 0 && S_ISLNK(st.st_mode) && (st.st_mode & 0777) == 0777, "/proc/self is a link");
    CHECK(stat("/proc/self/comm", &st) == 0 && (st.st_mode & 0777) == 0644, "comm is writable");
    CHECK(stat("/sys/devices/system/cpu/online", &st) == 0 && (st.st_mode & 0777) == 0444, "sysfs file mode");
    struct statfs sf;
    CHECK(statfs("/proc", &sf) == 0 && sf.f_type == 0x9fa0, "statfs /proc: %lx", (long)sf.f_type);
    CHECK(statfs("/sys/devices", &sf) == 0 && sf.f_type == 0x62656572, "statfs /sys: %lx", (long)sf.f_type);
    char pid[16];
    snprintf(pid, sizeof pid, "%d", getpid());
    int found = 0;
    CHECK(count_entries("/proc", pid, &found) > 5 && found, "/proc lists pid %s", pid);
    count_entries("/proc", "meminfo", &found);
    CHECK(found, "/proc lists meminfo");
    /* Small reads and seeks see one snapshot. */
    char whole[8192], piece[8192];
    long len = slurp("/proc/self/status", whole, sizeof whole, 4096);
    CHECK(len > 100 && slurp("/proc/self/status", piece, sizeof piece, 1) == len, "byte-by-byte reads: %ld", len);
    int fd = open("/proc/self/status", O_RDONLY);
    CHECK(lseek(fd, 10, SEEK_SET) == 10 && read(fd, piece, 20) == 20 && memcmp(piece, whole + 10, 20) == 0, "lseek into a proc file");
    CHECK(pread(fd, piece, 5, 0) == 5 && memcmp(piece, "Name:", 5) == 0, "pread");
    close(fd);
    /* Errors. */
    CHECK_ERRNO(open("/proc/99999/status", O_RDONLY), ENOENT);
    CHECK_ERRNO(access("/proc/99999", F_OK), ENOENT);
    CHECK_ERRNO(open("/proc/self/nonexistent", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("/proc/meminfo", O_WRONLY), EACCES);
    CHECK_ERRNO(open("/proc/self/status", O_RDWR), EACCES);
    CHECK_ERRNO(open("/proc/sys/kernel/ostype", O_WRONLY | O_TRUNC), EACCES);
    CHECK_ERRNO(open("/sys/devices/system/cpu/online", O_WRONLY), EACCES);
    CHECK(mkdir("/proc/newdir", 0755) == -1, "mkdir in /proc fails");
    CHECK(open("/proc/newfile", O_CREAT | O_WRONLY, 0644) == -1, "creating in /proc fails");
    CHECK_ERRNO(unlink("/proc/meminfo"), EPERM);
    CHECK_ERRNO(chmod("/proc/self/status", 0666), EPERM);
}

static void check_child(void) {
    int go[2];
    pipe(go);
    pid_t child = fork();
    if (child == 0) {
        char buf[4096];
        slurp("/proc/self/status", buf, sizeof buf, 4096);
        int ok = field(buf, "PPid:\t") == getppid() && field(buf, "Pid:\t") == getpid();
        char c;
        read(go[0], &c, 1);
        _exit(ok ? 0 : 1);
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", child);
    /* Wait (up to a second) for the child to block on the pipe. */
    struct timespec nap = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 100; i++) {
        if (slurp(path, text, sizeof text, 4096) > 0 && strstr(text, "\nState:\tS (sleeping)\n")) break;
        nanosleep(&nap, NULL);
    }
    CHECK(field(text, "PPid:\t") == getpid(), "the parent reads the child's status");
    CHECK(strstr(text, "\nState:\tS (sleeping)\n") != NULL, "the waiting child sleeps");
    snprintf(path, sizeof path, "/proc/%d/cmdline", child);
    CHECK(slurp(path, text, sizeof text, 4096) > 0 && strstr(text, "procfs") != NULL, "the child's cmdline");
    write(go[1], "x", 1);
    int status = -1;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child saw itself in /proc/self/status");
    snprintf(path, sizeof path, "/proc/%d", child);
    CHECK_ERRNO(access(path, F_OK), ENOENT);
    close(go[0]);
    close(go[1]);
}

int main(int argc, char **argv) {
    long memory_mib = argc > 1 ? atol(argv[1]) : 128;
    int cpus = argc > 2 ? atoi(argv[2]) : 1;
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    check_maps(argv[0]);
    check_status(1);
    check_stat(1);
    check_threads();
    check_descriptors();
    check_self(argc, argv);
    check_system(memory_mib, cpus);
    check_tree();
    check_child();
    return check_summary();
}
