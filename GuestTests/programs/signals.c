/* Signals: handlers with siginfo, masks, pending sets, synchronous faults delivered to the
 * faulting thread, sigreturn restoring (and honouring changes to) the context, the alternate
 * stack, SA_RESTART, sigsuspend, sigwaitinfo/sigtimedwait, sigqueue, interval and POSIX
 * timers, SIGCHLD, default actions, and signals aimed at one thread. */
#define _GNU_SOURCE
#include "../include/check.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static volatile int last_signo, last_code, last_pid;
static volatile uintptr_t last_addr;
static volatile intptr_t last_value;
static volatile pid_t handler_tid;
static sigjmp_buf escape;

static void on_info(int sig, siginfo_t *info, void *uc) {
    (void)uc;
    hits++;
    last_signo = sig;
    last_code = info->si_code;
    last_pid = info->si_pid;
    last_addr = (uintptr_t)info->si_addr;
    last_value = (intptr_t)info->si_value.sival_ptr;
    handler_tid = (pid_t)syscall(SYS_gettid);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa = {0};
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void on_fault_escape(int sig, siginfo_t *info, void *uc) {
    on_info(sig, info, uc);
    siglongjmp(escape, 1);
}

/* Skips a 2-byte ud2 by editing the saved RIP: rt_sigreturn must restore the changed context. */
static void on_ill_skip(int sig, siginfo_t *info, void *ucv) {
    on_info(sig, info, ucv);
    ucontext_t *uc = ucv;
    uc->uc_mcontext.gregs[REG_RIP] += 2;
}

/* A fault on a second thread: its handler must run on that thread (OSv runs handlers on a new
 * thread, issue #1278), and siglongjmp there must leave the main thread alone. */
static sigjmp_buf worker_escape;
static volatile pid_t worker_tid, worker_handler_tid;
static volatile int worker_fault_code;
static void on_worker_fault(int sig, siginfo_t *info, void *uc) {
    (void)sig, (void)uc;
    worker_handler_tid = (pid_t)syscall(SYS_gettid);
    worker_fault_code = info->si_code;
    siglongjmp(worker_escape, 1);
}
static void *faulting_worker(void *arg) {
    (void)arg;
    worker_tid = (pid_t)syscall(SYS_gettid);
    volatile int *volatile bad = (volatile int *)24;
    if (sigsetjmp(worker_escape, 1) == 0) *bad = 1;
    return (void *)7;
}

static char *ro_page;
static void on_segv_fix(int sig, siginfo_t *info, void *uc) {
    on_info(sig, info, uc);
    mprotect(ro_page, 4096, PROT_READ | PROT_WRITE);
}

static volatile double fp_in_handler;
static void on_fp_work(int sig, siginfo_t *info, void *uc) {
    on_info(sig, info, uc);
    volatile double x = 3.0;
    for (int i = 0; i < 10; i++) x = x * 1.5 + 0.25;
    fp_in_handler = x;
}

static char altstack[65536];
static volatile uintptr_t handler_stack_address;
static volatile int altstack_flags;
static void on_altstack(int sig, siginfo_t *info, void *uc) {
    volatile char local;
    handler_stack_address = (uintptr_t)&local;
    stack_t ss;
    sigaltstack(NULL, &ss);
    altstack_flags = ss.ss_flags;
    on_info(sig, info, uc);
}

static volatile int depth;
#pragma GCC diagnostic ignored "-Winfinite-recursion"
#pragma GCC diagnostic ignored "-Warray-bounds"
static void recurse(void) {
    volatile char pad[4096];
    pad[0] = (char)depth++;
    recurse();
    (void)pad[0];
}

static volatile int nested_order[4], nested_count;
static void on_usr2_nested(int sig) { nested_order[nested_count++] = sig; }
static void on_usr1_nested(int sig) {
    nested_order[nested_count++] = sig;
    raise(SIGUSR2); /* delivered inside this handler, before it returns */
    nested_order[nested_count++] = -sig;
}

static int pipe_fds[2];
static void *late_writer(void *arg) {
    usleep((useconds_t)(intptr_t)arg);
    write(pipe_fds[1], "x", 1);
    return NULL;
}

static pid_t main_tid;
static void *signal_main_later(void *arg) {
    (void)arg;
    usleep(50000);
    syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
    return NULL;
}

static volatile pid_t thread_tid;
static volatile int thread_may_exit;
static void *spin_thread(void *arg) {
    (void)arg;
    thread_tid = (pid_t)syscall(SYS_gettid);
    while (!thread_may_exit) {
    }
    return NULL;
}

static volatile int chld_pid, chld_status, chld_code;
static void on_chld(int sig, siginfo_t *info, void *uc) {
    (void)sig;
    (void)uc;
    chld_pid = info->si_pid;
    chld_status = info->si_status;
    chld_code = info->si_code;
}

static void on_plain(int sig) { last_signo = sig; hits++; }

int main(void) {
    pid_t me = getpid();
    main_tid = (pid_t)syscall(SYS_gettid);

    /* raise() is tgkill: SI_TKILL with the sender's pid, handler on the calling thread. */
    install(SIGUSR1, on_info, 0);
    hits = 0;
    raise(SIGUSR1);
    CHECK(hits == 1 && last_signo == SIGUSR1, "raise runs the handler once (hits %d)", hits);
    CHECK(last_code == SI_TKILL && last_pid == me, "si_code %d si_pid %d", last_code, last_pid);
    CHECK(handler_tid == main_tid, "the handler ran on the raising thread");

    /* kill() is SI_USER. */
    install(SIGUSR2, on_info, 0);
    kill(me, SIGUSR2);
    CHECK(last_signo == SIGUSR2 && last_code == SI_USER, "kill: signo %d code %d", last_signo, last_code);

    /* Blocked signals wait, show in sigpending, and arrive when unblocked. */
    sigset_t set, old, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    hits = 0;
    kill(me, SIGUSR1);
    CHECK(hits == 0, "a blocked signal is not delivered");
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGUSR1), "sigpending shows it");
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK(hits == 1, "unblocking delivers it before sigprocmask returns (hits %d)", hits);
    sigpending(&pending);
    CHECK(!sigismember(&pending, SIGUSR1), "no longer pending");

    /* Standard signals do not queue. */
    sigprocmask(SIG_BLOCK, &set, NULL);
    hits = 0;
    kill(me, SIGUSR1);
    kill(me, SIGUSR1);
    kill(me, SIGUSR1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK(hits == 1, "three kills of a blocked standard signal deliver once (hits %d)", hits);

    /* Real-time signals queue, in order, with their values. */
    install(SIGRTMIN, on_info, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (int i = 1; i <= 3; i++) sigqueue(me, SIGRTMIN, (union sigval){.sival_int = i * 10});
    siginfo_t si;
    int got = 0, sum = 0;
    struct timespec zero = {0, 0};
    while (sigtimedwait(&set, &si, &zero) == SIGRTMIN) {
        got++;
        sum += si.si_value.sival_int;
        CHECK(si.si_code == SI_QUEUE, "sigqueue's si_code is SI_QUEUE: %d", si.si_code);
    }
    CHECK(got == 3 && sum == 60, "three queued real-time signals taken by sigtimedwait (%d, sum %d)", got, sum);
    CHECK_ERRNO(sigtimedwait(&set, &si, &zero), EAGAIN);
    struct timespec short_wait = {0, 20 * 1000 * 1000};
    CHECK_ERRNO(sigtimedwait(&set, &si, &short_wait), EAGAIN);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* Synchronous faults go to the faulting thread's handler with the right si_code/si_addr. */
    install(SIGSEGV, on_fault_escape, 0);
    hits = 0;
    if (sigsetjmp(escape, 1) == 0) {
        *(volatile int *)16 = 1;
        CHECK(0, "the write to address 16 did not fault");
    }
    CHECK(hits == 1 && last_signo == SIGSEGV && last_code == SEGV_MAPERR && last_addr == 16,
          "SIGSEGV: code %d addr %#lx", last_code, (unsigned long)last_addr);

    install(SIGSEGV, on_worker_fault, 0);
    pthread_t faulter;
    void *faulter_result = NULL;
    pthread_create(&faulter, NULL, faulting_worker, NULL);
    pthread_join(faulter, &faulter_result);
    CHECK(faulter_result == (void *)7 && worker_handler_tid == worker_tid && worker_tid != (pid_t)syscall(SYS_gettid) &&
              worker_fault_code == SEGV_MAPERR,
          "a worker thread's SIGSEGV ran its handler on that thread (tid %d, handler on %d)", (int)worker_tid,
          (int)worker_handler_tid);

    /* A write to a read-only page: SEGV_ACCERR; the handler fixes the page and the write is retried. */
    ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    install(SIGSEGV, on_segv_fix, 0);
    hits = 0;
    *(volatile char *)&ro_page[100] = 42;
    CHECK(hits == 1 && last_code == SEGV_ACCERR && last_addr == (uintptr_t)ro_page + 100,
          "SEGV_ACCERR at the written byte (hits %d, code %d, addr %p, page %p)", (int)hits, last_code, (void *)last_addr, ro_page);
    CHECK(ro_page[100] == 42, "the faulting write was retried after the handler returned");

    install(SIGFPE, on_fault_escape, 0);
    hits = 0;
    if (sigsetjmp(escape, 1) == 0) {
        volatile int zero_divisor = 0;
        volatile int r = 10 / zero_divisor;
        (void)r;
    }
    CHECK(hits == 1 && last_signo == SIGFPE && last_code == FPE_INTDIV, "SIGFPE from division by zero (code %d)", last_code);

    install(SIGILL, on_ill_skip, 0);
    hits = 0;
    __asm__ volatile("ud2");
    CHECK(hits == 1 && last_signo == SIGILL && last_code == ILL_ILLOPN, "SIGILL, and execution resumed after ud2");

    install(SIGTRAP, on_info, 0);
    hits = 0;
    __asm__ volatile("int3");
    CHECK(hits == 1 && last_signo == SIGTRAP, "SIGTRAP from int3, resumed after it");

    /* FPU and SSE registers survive a handler that uses them. */
    install(SIGUSR1, on_fp_work, 0);
    volatile double value = 1.0 / 3.0;
    double before = value * 7.0;
    raise(SIGUSR1);
    double after = value * 7.0;
    CHECK(before == after && fp_in_handler > 100.0, "floating point intact across a handler");

    /* The alternate signal stack, including for a stack overflow. */
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack");
    install(SIGUSR1, on_altstack, SA_ONSTACK);
    raise(SIGUSR1);
    CHECK(handler_stack_address > (uintptr_t)altstack && handler_stack_address < (uintptr_t)altstack + sizeof altstack,
          "the handler ran on the alternate stack");
    CHECK(altstack_flags == SS_ONSTACK, "sigaltstack inside the handler reports SS_ONSTACK (%d)", altstack_flags);
    stack_t small = {.ss_sp = altstack, .ss_size = 512, .ss_flags = 0};
    CHECK_ERRNO(sigaltstack(&small, NULL), ENOMEM);
    stack_t bad = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 99};
    CHECK_ERRNO(sigaltstack(&bad, NULL), EINVAL);

    pid_t child = fork();
    if (child == 0) {
        /* Overflow the stack: only the alternate stack can run the handler. */
        install(SIGSEGV, on_fault_escape, SA_ONSTACK);
        hits = 0;
        if (sigsetjmp(escape, 1) == 0) recurse();
        _exit(hits == 1 && last_signo == SIGSEGV ? 0 : 3);
    }
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a stack overflow is caught on the alternate stack (status %#x)", status);

    /* A fault without a handler kills, even when SIGSEGV is blocked. */
    child = fork();
    if (child == 0) {
        signal(SIGSEGV, SIG_DFL);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        *(volatile int *)8 = 1;
        _exit(0);
    }
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "blocked SIGSEGV still kills (status %#x)", status);

    /* Nested delivery: a signal raised inside a handler runs inside it. */
    signal(SIGUSR1, on_usr1_nested);
    signal(SIGUSR2, on_usr2_nested);
    nested_count = 0;
    raise(SIGUSR1);
    CHECK(nested_count == 3 && nested_order[0] == SIGUSR1 && nested_order[1] == SIGUSR2 && nested_order[2] == -SIGUSR1,
          "nested handlers in order (%d entries)", nested_count);

    /* SA_RESTART: a read interrupted by a timer signal continues; without it, EINTR. */
    pipe(pipe_fds);
    pthread_t writer;
    struct itimerval it = {.it_value = {0, 30000}};
    install(SIGALRM, on_info, SA_RESTART);
    pthread_create(&writer, NULL, late_writer, (void *)(intptr_t)200000);
    setitimer(ITIMER_REAL, &it, NULL);
    hits = 0;
    char c = 0;
    ssize_t n = read(pipe_fds[0], &c, 1);
    CHECK(n == 1 && c == 'x' && hits == 1, "SA_RESTART: the read was restarted after the handler (n %zd, hits %d)", n, (int)hits);
    pthread_join(writer, NULL);

    install(SIGALRM, on_info, 0);
    pthread_create(&writer, NULL, late_writer, (void *)(intptr_t)300000);
    setitimer(ITIMER_REAL, &it, NULL);
    hits = 0;
    errno = 0;
    n = read(pipe_fds[0], &c, 1);
    CHECK(n == -1 && errno == EINTR && hits == 1, "without SA_RESTART the read fails with EINTR (n %zd)", n);
    pthread_join(writer, NULL);
    CHECK(read(pipe_fds[0], &c, 1) == 1, "the late byte is still there");

    /* alarm's return value is the time that was left. */
    CHECK(alarm(5) == 0, "no alarm was set");
    unsigned left = alarm(0);
    CHECK(left >= 4 && left <= 5, "alarm(0) returns the seconds left: %u", left);

    /* nanosleep interrupted: EINTR and the time remaining. */
    struct itimerval it2 = {.it_value = {0, 20000}};
    setitimer(ITIMER_REAL, &it2, NULL);
    struct timespec req = {2, 0}, rem = {0, 0};
    errno = 0;
    int r = nanosleep(&req, &rem);
    CHECK(r == -1 && errno == EINTR && rem.tv_sec >= 1, "nanosleep: EINTR with %ld s left", (long)rem.tv_sec);

    /* sigsuspend: waits with a temporary mask, returns EINTR, and the old mask is back. */
    install(SIGUSR1, on_info, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    pthread_t sender;
    pthread_create(&sender, NULL, signal_main_later, NULL);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    hits = 0;
    errno = 0;
    r = sigsuspend(&wait_mask);
    CHECK(r == -1 && errno == EINTR && hits == 1, "sigsuspend returns EINTR after the handler");
    sigset_t now_mask;
    sigprocmask(SIG_BLOCK, NULL, &now_mask);
    CHECK(sigismember(&now_mask, SIGUSR1), "the blocked mask is restored after sigsuspend");
    pthread_join(sender, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* A periodic POSIX timer, taken with sigwaitinfo. */
    timer_t timer;
    struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 1, .sigev_value.sival_int = 77};
    CHECK(timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0, "timer_create");
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct itimerspec its = {.it_value = {0, 5000000}, .it_interval = {0, 5000000}};
    CHECK(timer_settime(timer, 0, &its, NULL) == 0, "timer_settime");
    int ticks = 0;
    for (int i = 0; i < 5; i++) {
        if (sigwaitinfo(&set, &si) == SIGRTMIN + 1 && si.si_code == SI_TIMER && si.si_value.sival_int == 77) ticks++;
    }
    CHECK(ticks == 5, "five timer expiries with SI_TIMER and the value (%d)", ticks);
    struct itimerspec cur;
    CHECK(timer_gettime(timer, &cur) == 0 && cur.it_interval.tv_nsec == 5000000, "timer_gettime reports the interval");
    CHECK(timer_getoverrun(timer) >= 0, "timer_getoverrun");
    CHECK(timer_delete(timer) == 0, "timer_delete");
    CHECK_ERRNO(timer_settime(timer, 0, &its, NULL), EINVAL);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SIGCHLD with the child's pid and status. */
    install(SIGCHLD, on_chld, 0);
    child = fork();
    if (child == 0) _exit(9);
    waitpid(child, &status, 0);
    CHECK(chld_pid == child && chld_status == 9 && chld_code == CLD_EXITED, "SIGCHLD: pid %d status %d code %d", chld_pid, chld_status, chld_code);
    signal(SIGCHLD, SIG_DFL);

    /* Default actions: SIGTERM kills, an ignored SIGUSR1 does not, abort() is SIGABRT. */
    child = fork();
    if (child == 0) {
        signal(SIGUSR1, SIG_IGN);
        kill(getpid(), SIGUSR1);
        kill(getpid(), SIGTERM);
        _exit(0);
    }
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "SIGTERM's default action kills (status %#x)", status);
    child = fork();
    if (child == 0) abort();
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "abort() dies of SIGABRT (status %#x)", status);

    /* A handler runs on the thread a signal is aimed at, even one that never makes a system call. */
    install(SIGUSR2, on_info, 0);
    pthread_t spinner;
    thread_tid = 0;
    pthread_create(&spinner, NULL, spin_thread, NULL);
    while (!thread_tid) usleep(1000);
    handler_tid = 0;
    pthread_kill(spinner, SIGUSR2);
    for (int i = 0; i < 2000 && handler_tid == 0; i++) usleep(1000);
    CHECK(handler_tid == thread_tid, "pthread_kill: the handler ran on the target thread (%d, wanted %d)", (int)handler_tid, (int)thread_tid);
    thread_may_exit = 1;
    pthread_join(spinner, NULL);

    /* SA_RESETHAND: the handler runs once, then the default action is back. */
    struct sigaction sa = {0};
    sa.sa_handler = on_plain;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    CHECK(now.sa_handler == SIG_DFL, "SA_RESETHAND restores SIG_DFL");

    /* Bad arguments. */
    CHECK_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERRNO(sigaction(0, &sa, NULL), EINVAL);
    CHECK_ERRNO(kill(me, 65), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8), EFAULT);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8), EINVAL);
    CHECK_ERRNO(kill(99999, SIGUSR1), ESRCH);

    return check_summary();
}
