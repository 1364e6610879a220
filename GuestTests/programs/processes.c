/* Processes: fork, vfork + execve, posix_spawn, wait statuses, pipes between processes,
 * default signal actions, exec errors and #! scripts. Runs itself as the child program. */
#define _GNU_SOURCE
#include "../include/check.h"
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double seconds(struct timeval tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

/* getrusage, wait4's rusage and times: a child that computes for 200 ms and touches 2 MiB. */
static void usage_checks(void) {
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec start, now;
        clock_gettime(CLOCK_MONOTONIC, &start);
        volatile unsigned long spin = 0;
        do {
            for (int i = 0; i < 100000; i++) spin += i;
            clock_gettime(CLOCK_MONOTONIC, &now);
        } while ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) < 200000000L);
        char *touch = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (int i = 0; i < (2 << 20); i += 4096) touch[i] = 1;
        _exit(0);
    }
    int status = 0;
    struct rusage child;
    memset(&child, 0, sizeof child);
    CHECK(wait4(pid, &status, 0, &child) == pid && WIFEXITED(status), "wait4 with rusage");
    CHECK(seconds(child.ru_utime) + seconds(child.ru_stime) >= 0.15,
          "wait4: the child's CPU time (%.3f s user)", seconds(child.ru_utime));
    CHECK(child.ru_minflt >= 512, "wait4: the child's page faults (%ld)", child.ru_minflt);
    CHECK(child.ru_maxrss >= 2048, "wait4: the child's peak resident size (%ld KiB)", child.ru_maxrss);
    struct rusage all;
    CHECK(getrusage(RUSAGE_CHILDREN, &all) == 0 && seconds(all.ru_utime) >= seconds(child.ru_utime) &&
              all.ru_minflt >= child.ru_minflt,
          "RUSAGE_CHILDREN includes the child (%.3f s, %ld faults)", seconds(all.ru_utime), all.ru_minflt);
    struct tms t;
    CHECK(times(&t) != (clock_t)-1 && t.tms_cutime >= 15, "times: children's user ticks %ld", (long)t.tms_cutime);
    struct rusage self;
    CHECK(getrusage(RUSAGE_SELF, &self) == 0 && self.ru_nvcsw > 0 && self.ru_minflt > 0 && self.ru_maxrss > 0,
          "RUSAGE_SELF: %ld voluntary switches, %ld faults, %ld KiB", self.ru_nvcsw, self.ru_minflt, self.ru_maxrss);
    CHECK(getrusage(RUSAGE_THREAD, &self) == 0, "RUSAGE_THREAD");
    CHECK_ERRNO(getrusage(7, &self), EINVAL);
    CHECK_ERRNO(getrusage(RUSAGE_SELF, (struct rusage *)8), EFAULT);
}

/* fcntl(fd, cmd, &{type, SEEK_SET, start, len}); the struct comes back through `out`. */
static int record_lock(int fd, int cmd, short type, off_t start, off_t len, struct flock *out) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    int r = fcntl(fd, cmd, &fl);
    if (out) *out = fl;
    return r;
}

/* fcntl record locks: POSIX locks across processes, the close rule, deadlock detection, OFD
 * locks per description, and the error paths. */
static void record_lock_checks(void) {
    int fd = open("/tmp/record-lock-test", O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10, "record-lock file");
    struct flock fl;
    CHECK(record_lock(fd, F_SETLK, F_WRLCK, 0, 50, NULL) == 0, "F_SETLK write lock on 0..50");
    CHECK(record_lock(fd, F_SETLK, F_RDLCK, 50, 0, NULL) == 0, "F_SETLK read lock from 50 to the end");
    CHECK(record_lock(fd, F_GETLK, F_WRLCK, 0, 0, &fl) == 0 && fl.l_type == F_UNLCK,
          "a process's own locks never conflict (F_GETLK says F_UNLCK: %d)", fl.l_type);
    pid_t pid = fork();
    if (pid == 0) {
        struct flock got;
        if (record_lock(fd, F_GETLK, F_WRLCK, 10, 10, &got) != 0) _exit(1);
        if (got.l_type != F_WRLCK || got.l_start != 0 || got.l_len != 50 || got.l_pid != getppid()) _exit(2);
        if (record_lock(fd, F_GETLK, F_RDLCK, 60, 10, &got) != 0 || got.l_type != F_UNLCK) _exit(3);
        if (record_lock(fd, F_GETLK, F_WRLCK, 60, 10, &got) != 0 || got.l_type != F_RDLCK || got.l_len != 0) _exit(4);
        if (record_lock(fd, F_SETLK, F_WRLCK, 60, 1, NULL) == 0 || (errno != EAGAIN && errno != EACCES)) _exit(5);
        if (record_lock(fd, F_SETLK, F_RDLCK, 70, 10, NULL) != 0) _exit(6);
        /* Waits until the parent closes some descriptor of the file. */
        if (record_lock(fd, F_SETLKW, F_WRLCK, 0, 50, NULL) != 0) _exit(7);
        _exit(0);
    }
    usleep(200000);
    CHECK(waitpid(pid, NULL, WNOHANG) == 0, "F_SETLKW waits for the other process's lock");
    int other = open("/tmp/record-lock-test", O_RDONLY);
    close(other);  /* closing any descriptor of the file drops the process's locks */
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "POSIX locks: the child saw and got the locks (status %x)", status);
    CHECK(record_lock(fd, F_GETLK, F_WRLCK, 0, 0, &fl) == 0 && fl.l_type == F_UNLCK,
          "an exited process's locks are gone");

    /* Deadlock: the child holds byte 1 and waits for byte 0, which the parent holds. */
    CHECK(record_lock(fd, F_SETLK, F_WRLCK, 0, 1, NULL) == 0, "parent locks byte 0");
    pid = fork();
    if (pid == 0) {
        if (record_lock(fd, F_SETLK, F_WRLCK, 1, 1, NULL) != 0) _exit(1);
        if (record_lock(fd, F_SETLKW, F_WRLCK, 0, 1, NULL) != 0) _exit(2);
        _exit(0);
    }
    usleep(200000);
    errno = 0;
    CHECK(record_lock(fd, F_SETLKW, F_WRLCK, 1, 1, NULL) == -1 && errno == EDEADLK,
          "waiting for the waiting child is EDEADLK (errno %d)", errno);
    CHECK(record_lock(fd, F_SETLK, F_UNLCK, 0, 1, NULL) == 0, "parent unlocks byte 0");
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "the child got byte 0 after the unlock (status %x)", status);

    /* OFD locks belong to the description: two opens in one process conflict. */
    int a = open("/tmp/record-lock-test", O_RDWR), b = open("/tmp/record-lock-test", O_RDWR);
    CHECK(record_lock(a, F_OFD_SETLK, F_WRLCK, 0, 10, NULL) == 0, "F_OFD_SETLK through one description");
    CHECK_ERRNO(record_lock(b, F_OFD_SETLK, F_WRLCK, 5, 1, NULL), EAGAIN);
    CHECK(record_lock(b, F_OFD_GETLK, F_RDLCK, 0, 0, &fl) == 0 && fl.l_type == F_WRLCK && fl.l_pid == -1 &&
              fl.l_len == 10,
          "F_OFD_GETLK reports the other description's lock (type %d pid %d len %ld)", fl.l_type, (int)fl.l_pid,
          (long)fl.l_len);
    int a2 = dup(a);
    close(a);  /* the description lives on through a2 */
    CHECK_ERRNO(record_lock(b, F_OFD_SETLK, F_WRLCK, 5, 1, NULL), EAGAIN);
    close(a2);
    CHECK(record_lock(b, F_OFD_SETLK, F_WRLCK, 5, 1, NULL) == 0, "the last close of a description drops its OFD locks");
    struct flock with_pid = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 5};
    CHECK_ERRNO(fcntl(b, F_OFD_SETLK, &with_pid), EINVAL);
    close(b);

    /* Errors. */
    struct flock bad = {.l_type = F_RDLCK, .l_whence = 7};
    CHECK_ERRNO(fcntl(fd, F_SETLK, &bad), EINVAL);
    CHECK_ERRNO(record_lock(fd, F_SETLK, F_RDLCK, -5, 1, NULL), EINVAL);
    CHECK_ERRNO(record_lock(fd, F_SETLK, 9, 0, 1, NULL), EINVAL);
    CHECK_ERRNO(record_lock(fd, F_GETLK, F_UNLCK, 0, 1, NULL), EINVAL);
    CHECK_ERRNO(fcntl(fd, F_SETLK, (struct flock *)8), EFAULT);
    int wo = open("/tmp/record-lock-test", O_WRONLY);
    CHECK_ERRNO(record_lock(wo, F_SETLK, F_RDLCK, 0, 1, NULL), EBADF);
    close(wo);
    close(fd);
}

int main(int argc, char **argv) {
    /* Child roles, chosen by argv[1] when we exec ourselves. */
    /* The exit code is the last argument (a #! script puts its own path before it). */
    if (argc > 1 && strcmp(argv[1], "child-exit") == 0) return atoi(argv[argc - 1]);
    if (argc > 1 && strcmp(argv[1], "child-echo") == 0) {
        printf("child says %s (parent %d)\n", argv[2], (int)getppid());
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "child-env") == 0) {
        const char *v = getenv("SPAWNED");
        return v && strcmp(v, "yes") == 0 ? 0 : 3;
    }

    /* fork: the child's memory is a copy. */
    int shared_value = 1;
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *shared = 100;
    pid_t pid = fork();
    if (pid == 0) {
        shared_value = 2;
        *shared = 200;
        _exit(shared_value == 2 ? 7 : 1);
    }
    CHECK(pid > 1, "fork returns the child's pid: %d", (int)pid);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "exit status 7 (status %x)", status);
    CHECK(shared_value == 1, "the child's write to private memory is not seen");
    CHECK(*shared == 200, "the child's write to MAP_SHARED memory is seen: %d", *shared);
    CHECK_ERRNO(waitpid(pid, &status, 0), ECHILD);

    /* A pipe between parent and child. */
    int p[2];
    pipe(p);
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        const char msg[] = "from the child";
        write(p[1], msg, sizeof msg);
        _exit(0);
    }
    close(p[1]);
    char buf[64] = {0};
    CHECK(read(p[0], buf, sizeof buf) == 15 && strcmp(buf, "from the child") == 0, "read what the child wrote: %s", buf);
    CHECK(read(p[0], buf, sizeof buf) == 0, "end of file when the child exits");
    close(p[0]);
    waitpid(pid, &status, 0);

    /* vfork + execve of ourselves. */
    pid = vfork();
    if (pid == 0) {
        char *args[] = {argv[0], "child-exit", "42", NULL};
        execve(argv[0], args, environ);
        _exit(99);
    }
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 42, "vfork+execve child exited 42 (status %x)", status);

    /* posix_spawn with an environment; output through our stdout. */
    char *spawn_args[] = {argv[0], "child-env", NULL};
    char *spawn_env[] = {"SPAWNED=yes", NULL};
    CHECK(posix_spawn(&pid, argv[0], NULL, NULL, spawn_args, spawn_env) == 0, "posix_spawn");
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "spawned child saw its environment");
    fflush(stdout);
    char *echo_args[] = {argv[0], "child-echo", "hello", NULL};
    CHECK(posix_spawn(&pid, argv[0], NULL, NULL, echo_args, environ) == 0, "posix_spawn echo");
    waitpid(pid, &status, 0);

    /* Default signal actions and kill. */
    pid = fork();
    if (pid == 0) {
        for (;;) pause();
    }
    CHECK(kill(pid, 0) == 0, "kill 0 finds the child");
    CHECK(kill(pid, SIGTERM) == 0, "kill SIGTERM");
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "killed by SIGTERM (status %x)", status);
    pid = fork();
    if (pid == 0) {
        volatile int *bad = (int *)16;
        *bad = 1;
        _exit(0);
    }
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "child segfault is its own death (status %x)", status);
    CHECK_ERRNO(kill(99999, SIGTERM), ESRCH);

    /* WNOHANG, and waiting for any child. */
    pid = fork();
    if (pid == 0) {
        usleep(100 * 1000);
        _exit(5);
    }
    CHECK(waitpid(-1, &status, WNOHANG) == 0, "WNOHANG: still running");
    CHECK(wait(&status) == pid && WEXITSTATUS(status) == 5, "wait for any child");
    CHECK_ERRNO(wait(&status), ECHILD);

    /* exec errors leave the process intact. */
    char *none[] = {"/no/such/program", NULL};
    CHECK_ERRNO(execve("/no/such/program", none, environ), ENOENT);
    int fd = open("/tmp/not-a-program", O_CREAT | O_WRONLY, 0755);
    write(fd, "just text\n", 10);
    close(fd);
    char *text[] = {"/tmp/not-a-program", NULL};
    CHECK_ERRNO(execve("/tmp/not-a-program", text, environ), ENOEXEC);

    /* A #! script run through its interpreter (ourselves). */
    fd = open("/tmp/script", O_CREAT | O_WRONLY | O_TRUNC, 0755);
    dprintf(fd, "#!%s child-exit\n", argv[0]);
    close(fd);
    pid = fork();
    if (pid == 0) {
        char *script[] = {"/tmp/script", "9", NULL};
        execve("/tmp/script", script, environ);
        _exit(98);
    }
    CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 9, "#! script ran its interpreter (status %x)", status);

    /* flock: locks belong to open file descriptions and hold across processes; the last close
     * of a description releases its lock and wakes a blocked locker. */
    int lf = open("/tmp/flock-test", O_CREAT | O_RDWR, 0600);
    CHECK(lf >= 0 && flock(lf, LOCK_EX) == 0, "flock LOCK_EX");
    CHECK(flock(lf, LOCK_EX | LOCK_NB) == 0, "relocking through the same description");
    CHECK_ERRNO(flock(lf, 0x40), EINVAL);
    CHECK_ERRNO(flock(12345, LOCK_SH), EBADF);
    pid = fork();
    if (pid == 0) {
        close(lf);  /* the parent's descriptor alone keeps the lock */
        int mine = open("/tmp/flock-test", O_RDWR);
        if (flock(mine, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK) _exit(1);
        if (flock(mine, LOCK_EX) != 0) _exit(2);  /* waits for the parent's close */
        _exit(0);
    }
    usleep(200000);
    CHECK(waitpid(pid, &status, WNOHANG) == 0, "the child waits for the lock");
    close(lf);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "the child got the lock after the last close (status %x)", status);

    record_lock_checks();
    usage_checks();

    CHECK(getppid() == 0, "the application is process 1's... child of nobody: %d", (int)getppid());
    CHECK(getpid() == 1, "the application is process 1");
    return check_summary();
}
