/* Threads: creation and join, mutexes and condition variables under contention, TLS,
 * raw futex operations, sleeping and clocks, CPU affinity. */
#define _GNU_SOURCE
#include "../include/check.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifndef FUTEX_WAIT_PRIVATE
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#endif
#define RAW_FUTEX_WAIT 0
#define RAW_FUTEX_WAKE 1
#define RAW_FUTEX_WAIT_BITSET_PRIVATE (9 | 128)
#define RAW_FUTEX_WAKE_BITSET_PRIVATE (10 | 128)
#define RAW_FUTEX_CLOCK_REALTIME 256
#define RAW_FUTEX_CMP_REQUEUE_PRIVATE (4 | 128)
#define RAW_FUTEX_WAKE_OP_PRIVATE (5 | 128)
/* FUTEX_OP from <linux/futex.h>, which musl does not ship. */
#define WAKE_OP(op, oparg, cmp, cmparg) \
    ((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))
#define OP_SET 0
#define OP_ADD 1
#define OP_CMP_GT 4

#define THREADS 16
#define ROUNDS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready;
static __thread int tls_value;
static int worker_cpu[64];

static void *worker(void *arg) {
    long id = (long)arg;
    tls_value = (int)id;
    worker_cpu[id] = sched_getcpu();
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        if (i % 500 == 0) sched_yield();
    }
    return (void *)(id * 10 + (tls_value == id));
}

static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!ready) pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    return (void *)7;
}

static uint64_t now_ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* The time `ns` nanoseconds from now on clock `c`, for the calls that take absolute deadlines. */
static struct timespec deadline_after(clockid_t c, long ns) {
    struct timespec t;
    clock_gettime(c, &t);
    t.tv_nsec += ns;
    if (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }
    return t;
}

static uint32_t futex_word;

static long futex(uint32_t *addr, int op, uint32_t val, const struct timespec *ts) {
    return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static void *futex_waker(void *arg) {
    (void)arg;
    struct timespec t = {0, 20 * 1000 * 1000};
    nanosleep(&t, NULL);
    __atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
    futex(&futex_word, FUTEX_WAKE_PRIVATE, 1, NULL);
    return NULL;
}

/* Detached threads: each unmaps its own stack as it exits (musl's __unmapself) while the main
 * thread maps the next one's, often at the same address. A new thread must see what
 * pthread_create wrote on its stack; it checks its argument. */
#define DETACHED 1500
/* A priority-inheritance mutex (FUTEX_LOCK_PI/UNLOCK_PI when contended), as libdispatch's
 * locks and PTHREAD_PRIO_INHERIT mutexes use. */
static pthread_mutex_t pi_lock;
static long pi_counter;
static void *pi_worker(void *arg) {
    (void)arg;
    for (int i = 0; i < 3000; i++) {
        pthread_mutex_lock(&pi_lock);
        long seen = pi_counter;
        if (i % 64 == 0) sched_yield();  /* hold it across a switch: others must wait in the kernel */
        pi_counter = seen + 1;
        pthread_mutex_unlock(&pi_lock);
    }
    return NULL;
}
/* Holds the PI lock until told to let go (a fixed hold time fails when a loaded host delays
 * the main thread past it), then gives the main thread a moment to block on it. */
static atomic_int pi_held, pi_release;
static void *pi_holder(void *arg) {
    (void)arg;
    pthread_mutex_lock(&pi_lock);
    atomic_store(&pi_held, 1);
    while (!atomic_load(&pi_release)) usleep(1000);
    usleep(50000);
    pthread_mutex_unlock(&pi_lock);
    return NULL;
}

static void pi_checks(void) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    CHECK(pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT) == 0, "PTHREAD_PRIO_INHERIT");
    CHECK(pthread_mutex_init(&pi_lock, &attr) == 0, "PI mutex");
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, pi_worker, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    CHECK(pi_counter == 12000, "PI mutex: 4 threads x 3000 increments = %ld", pi_counter);
    pthread_t holder;
    pthread_create(&holder, NULL, pi_holder, NULL);
    while (!atomic_load(&pi_held)) usleep(1000);
    CHECK(pthread_mutex_trylock(&pi_lock) == EBUSY, "trylock of a held PI mutex is EBUSY");
    struct timespec soon = deadline_after(CLOCK_REALTIME, 50000000);
    CHECK(pthread_mutex_timedlock(&pi_lock, &soon) == ETIMEDOUT, "timedlock of a held PI mutex times out");
    atomic_store(&pi_release, 1);
    CHECK(pthread_mutex_lock(&pi_lock) == 0, "the PI mutex is handed over when its holder unlocks");
    CHECK(pthread_mutex_unlock(&pi_lock) == 0, "unlock");
    pthread_join(holder, NULL);
    /* The raw calls' errors: unlocking a word one does not own, locking one's own. */
    uint32_t word = 0;
    CHECK(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) == -1 && errno == EPERM, "UNLOCK_PI not owned: EPERM");
    word = (uint32_t)syscall(SYS_gettid);
    CHECK(syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL, NULL, 0) == -1 && errno == EDEADLK, "LOCK_PI of one's own: EDEADLK");
    word = 0;
    CHECK(syscall(SYS_futex, &word, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0) == 0 && word == (uint32_t)syscall(SYS_gettid),
          "TRYLOCK_PI of a free word takes it");
    CHECK(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) == 0 && word == 0, "UNLOCK_PI frees it");
}

/* FUTEX_WAKE_OP and FUTEX_CMP_REQUEUE, with waiters parked on raw futex words. */
static uint32_t op_first, op_second;
static atomic_int op_waiting, op_woken;

static long futex6(uint32_t *addr, int op, uint32_t val, long val2, uint32_t *addr2, uint32_t val3) {
    return syscall(SYS_futex, addr, op, val, val2, addr2, val3);
}

static pid_t op_waiter_tids[4];
static atomic_int op_slots;

/* Records the calling waiter's thread ID for `settle`, then counts it as waiting. */
static void announce(void) {
    op_waiter_tids[atomic_fetch_add(&op_slots, 1)] = (pid_t)syscall(SYS_gettid);
    atomic_fetch_add(&op_waiting, 1);
}

static void *op_waiter(void *arg) {
    uint32_t *word = arg;
    uint32_t seen = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    announce();
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen && futex(word, FUTEX_WAIT_PRIVATE, seen, NULL) != 0 && errno == EINTR) {}
    atomic_fetch_add(&op_woken, 1);
    return NULL;
}

static void *op_adder(void *arg) {
    (void)arg;
    for (int i = 0; i < 20000; i++) futex6(&op_first, RAW_FUTEX_WAKE_OP_PRIVATE, 0, 0, &op_second, WAKE_OP(OP_ADD, 1, OP_CMP_GT, 0x7ff));
    return NULL;
}

/* Whether the task whose stat file is `path` is asleep (state S). */
static int stat_says_asleep(const char *path) {
    char line[512];
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, line, sizeof line - 1);
    close(fd);
    if (n <= 0) return 0;
    line[n] = 0;
    const char *state = strrchr(line, ')');
    return state && state[1] == ' ' && state[2] == 'S';
}

/* Whether thread `tid` of this process is asleep. */
static int asleep(pid_t tid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    return stat_says_asleep(path);
}

/* Waits until `n` waiters (announced one at a time) are asleep in the kernel: a fixed pause
 * fails on a loaded host, where a waiter may not have reached its futex call yet. */
static void settle(int n) {
    while (atomic_load(&op_waiting) < n) sched_yield();
    for (int i = 0; i < n; i++)
        while (!asleep(op_waiter_tids[i])) usleep(1000);
}

static void wake_op_checks(void) {
    op_second = 5;
    CHECK(futex6(&op_first, RAW_FUTEX_WAKE_OP_PRIVATE, 1, 1, &op_second, WAKE_OP(OP_ADD, 3, OP_CMP_GT, 4)) == 0 && op_second == 8,
          "WAKE_OP with no waiters adds to the second word (%u)", op_second);
    CHECK_ERRNO(futex6(&op_first, RAW_FUTEX_WAKE_OP_PRIVATE, 1, 1, &op_second, WAKE_OP(6, 0, 0, 0)), ENOSYS);
    CHECK(op_second == 8, "an undefined operation leaves the word alone");
    CHECK_ERRNO(futex6(&op_first, RAW_FUTEX_WAKE_OP_PRIVATE, 1, 1, (uint32_t *)8, WAKE_OP(OP_SET, 0, 0, 0)), EFAULT);
    /* A waiter on the second word is woken when its old value passes the comparison. */
    pthread_t w;
    atomic_store(&op_waiting, 0);
    atomic_store(&op_slots, 0);
    atomic_store(&op_woken, 0);
    pthread_create(&w, NULL, op_waiter, &op_second);
    settle(1);
    CHECK(futex6(&op_first, RAW_FUTEX_WAKE_OP_PRIVATE, 1, 1, &op_second, WAKE_OP(OP_SET, 0, OP_CMP_GT, 1)) == 1,
          "WAKE_OP woke the second word's waiter");
    pthread_join(w, NULL);
    CHECK(op_second == 0 && atomic_load(&op_woken) == 1, "the word was set to 0 (%u)", op_second);
    /* Atomic against user space: a thread adding through WAKE_OP, this one with lock xadd. */
    op_second = 0;
    pthread_t adder;
    pthread_create(&adder, NULL, op_adder, NULL);
    for (int i = 0; i < 20000; i++) __atomic_fetch_add(&op_second, 1, __ATOMIC_SEQ_CST);
    pthread_join(adder, NULL);
    CHECK(op_second == 40000, "WAKE_OP's change is atomic: %u of 40000 increments", op_second);

    /* CMP_REQUEUE: wake one of two waiters, move the other to a second word, wake it there. */
    op_first = 1;
    op_second = 0;
    atomic_store(&op_waiting, 0);
    atomic_store(&op_slots, 0);
    atomic_store(&op_woken, 0);
    pthread_t r[2];
    for (int i = 0; i < 2; i++) pthread_create(&r[i], NULL, op_waiter, &op_first);
    settle(2);
    CHECK_ERRNO(futex6(&op_first, RAW_FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &op_second, 2), EAGAIN);
    CHECK(futex6(&op_first, RAW_FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &op_second, 1) == 2, "CMP_REQUEUE woke one and moved one");
    while (atomic_load(&op_woken) < 1) sched_yield();
    usleep(50000);
    CHECK(atomic_load(&op_woken) == 1, "the moved waiter still sleeps");
    CHECK(futex(&op_first, FUTEX_WAKE_PRIVATE, 1, NULL) == 0, "nobody waits on the first word any more");
    CHECK(futex(&op_second, FUTEX_WAKE_PRIVATE, 1, NULL) == 1, "the moved waiter is woken on the second word");
    for (int i = 0; i < 2; i++) pthread_join(r[i], NULL);
    CHECK(atomic_load(&op_woken) == 2, "both waiters finished");
}

/* A waiter that sleeps with FUTEX_WAIT_BITSET on op_first with the bitset it is given. */
static void *bitset_waiter(void *arg) {
    uint32_t bits = (uint32_t)(uintptr_t)arg;
    announce();
    while (__atomic_load_n(&op_first, __ATOMIC_SEQ_CST) == 0)
        futex6(&op_first, RAW_FUTEX_WAIT_BITSET_PRIVATE, 0, 0, NULL, bits);
    atomic_fetch_add(&op_woken, 1);
    return NULL;
}

static void bitset_and_shared_checks(void) {
    /* WAKE_BITSET wakes only waiters whose bitset shares a bit with its own. */
    op_first = 0;
    atomic_store(&op_waiting, 0);
    atomic_store(&op_slots, 0);
    atomic_store(&op_woken, 0);
    pthread_t w;
    pthread_create(&w, NULL, bitset_waiter, (void *)(uintptr_t)0x1);
    settle(1);
    CHECK(futex6(&op_first, RAW_FUTEX_WAKE_BITSET_PRIVATE, 1, 0, NULL, 0x2) == 0, "WAKE_BITSET 0x2 leaves a 0x1 waiter");
    __atomic_store_n(&op_first, 1, __ATOMIC_SEQ_CST);
    CHECK(futex6(&op_first, RAW_FUTEX_WAKE_BITSET_PRIVATE, 1, 0, NULL, 0x3) == 1, "WAKE_BITSET 0x3 wakes it");
    pthread_join(w, NULL);
    CHECK_ERRNO(futex6(&op_first, RAW_FUTEX_WAIT_BITSET_PRIVATE, 1, 0, NULL, 0), EINVAL);
    CHECK_ERRNO(futex6(&op_first, RAW_FUTEX_WAKE_BITSET_PRIVATE, 1, 0, NULL, 0), EINVAL);
    /* WAIT_BITSET's timeout is absolute, on CLOCK_MONOTONIC or (with the flag) CLOCK_REALTIME. */
    struct timespec deadline = deadline_after(CLOCK_MONOTONIC, 30 * 1000 * 1000);
    CHECK_ERRNO(syscall(SYS_futex, &op_first, RAW_FUTEX_WAIT_BITSET_PRIVATE, 1, &deadline, NULL, ~0u), ETIMEDOUT);
    CHECK(now_ns(CLOCK_MONOTONIC) >= (uint64_t)deadline.tv_sec * 1000000000ull + deadline.tv_nsec, "woke after the monotonic deadline");
    deadline = deadline_after(CLOCK_REALTIME, 30 * 1000 * 1000);
    CHECK_ERRNO(syscall(SYS_futex, &op_first, RAW_FUTEX_WAIT_BITSET_PRIVATE | RAW_FUTEX_CLOCK_REALTIME, 1, &deadline, NULL, ~0u),
                ETIMEDOUT);
    CHECK(now_ns(CLOCK_REALTIME) >= (uint64_t)deadline.tv_sec * 1000000000ull + deadline.tv_nsec, "woke after the realtime deadline");

    /* A shared futex in MAP_SHARED memory joins two processes: the child sleeps on it and the
     * parent's shared FUTEX_WAKE finds it; a private wake (keyed by process) does not. */
    uint32_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    shared[0] = 0;  /* the word */
    shared[1] = 0;  /* the child is about to sleep */
    pid_t child = fork();
    if (child == 0) {
        __atomic_store_n(&shared[1], 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&shared[0], __ATOMIC_SEQ_CST) == 0) syscall(SYS_futex, &shared[0], RAW_FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(shared[0] == 5 ? 0 : 1);
    }
    char child_stat[64];
    snprintf(child_stat, sizeof child_stat, "/proc/%d/stat", (int)child);
    while (__atomic_load_n(&shared[1], __ATOMIC_SEQ_CST) == 0 || !stat_says_asleep(child_stat)) usleep(1000);
    CHECK(futex(&shared[0], FUTEX_WAKE_PRIVATE, 1, NULL) == 0, "a private wake does not reach another process");
    __atomic_store_n(&shared[0], 5, __ATOMIC_SEQ_CST);
    CHECK(syscall(SYS_futex, &shared[0], RAW_FUTEX_WAKE, 1, NULL, NULL, 0) == 1, "a shared wake reaches the child");
    int status = -1;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child woke (status %#x)", status);
    munmap(shared, 4096);
}

/* Scheduling policies seen from user space, on one CPU: a SCHED_FIFO thread keeps a normal one
 * off the CPU while it spins; two SCHED_RR threads of one priority take turns. */
static atomic_long normal_progress, rr_progress[2], rr_saw_other[2];
static atomic_int normal_stop;

static void pin_to_cpu0(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    sched_setaffinity(0, sizeof set, &set);
}

static int set_policy(int policy, int priority) {
    struct sched_param sp = {.sched_priority = priority};
    return (int)syscall(SYS_sched_setscheduler, 0, policy, &sp);
}

static void *normal_spinner(void *arg) {
    (void)arg;
    pin_to_cpu0();
    while (!atomic_load(&normal_stop)) atomic_fetch_add(&normal_progress, 1);
    return NULL;
}

static void *fifo_spinner(void *arg) {
    (void)arg;
    pin_to_cpu0();
    if (set_policy(SCHED_FIFO, 10) != 0) return (void *)-1;
    long before = atomic_load(&normal_progress);
    uint64_t end = now_ns(CLOCK_MONOTONIC) + 200000000ull;
    while (now_ns(CLOCK_MONOTONIC) < end) {}
    return (void *)(atomic_load(&normal_progress) - before);
}

static void *rr_spinner(void *arg) {
    long me = (long)arg, other = 1 - me;
    if (syscall(SYS_sched_getscheduler, 0) != SCHED_RR) return (void *)-1;
    uint64_t end = now_ns(CLOCK_MONOTONIC) + 400000000ull;
    long last_other = atomic_load(&rr_progress[other]);
    while (now_ns(CLOCK_MONOTONIC) < end) {
        atomic_fetch_add(&rr_progress[me], 1);
        long o = atomic_load(&rr_progress[other]);
        if (o != last_other) atomic_fetch_add(&rr_saw_other[me], 1), last_other = o;
    }
    return NULL;
}

static void policy_checks(void) {
    pthread_t normal, fifo;
    pthread_create(&normal, NULL, normal_spinner, NULL);
    while (atomic_load(&normal_progress) == 0) usleep(1000);
    void *starved = NULL;
    pthread_create(&fifo, NULL, fifo_spinner, NULL);
    pthread_join(fifo, &starved);
    atomic_store(&normal_stop, 1);
    pthread_join(normal, NULL);
    CHECK(starved == 0, "a normal thread on the FIFO thread's CPU made no progress while it spun (%ld steps)", (long)starved);
    /* Both RR threads are created with their policy (PTHREAD_EXPLICIT_SCHED: the creator sets
     * it by thread ID) while this thread, on the same CPU, outranks them as FIFO 20; then it
     * steps down and they share the CPU. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&attr, SCHED_RR);
    struct sched_param rr_param = {.sched_priority = 10};
    pthread_attr_setschedparam(&attr, &rr_param);
    CHECK(set_policy(SCHED_FIFO, 20) == 0, "the main thread becomes FIFO 20");
    pthread_t rr[2];
    void *rr_result[2] = {NULL, NULL};
    for (long i = 0; i < 2; i++) CHECK(pthread_create(&rr[i], &attr, rr_spinner, (void *)i) == 0, "create SCHED_RR thread %ld", i);
    CHECK(set_policy(SCHED_OTHER, 0) == 0, "the main thread steps down");
    for (int i = 0; i < 2; i++) pthread_join(rr[i], &rr_result[i]);
    CHECK(rr_result[0] == NULL && rr_result[1] == NULL, "both threads ran as SCHED_RR");
    CHECK(atomic_load(&rr_progress[0]) > 0 && atomic_load(&rr_progress[1]) > 0 && atomic_load(&rr_saw_other[0]) > 0 &&
              atomic_load(&rr_saw_other[1]) > 0,
          "two SCHED_RR threads on one CPU took turns (each saw the other run %ld and %ld times)", atomic_load(&rr_saw_other[0]),
          atomic_load(&rr_saw_other[1]));
}

/* The interrupts of all CPUs so far (/proc/stat's intr total). */
static unsigned long long interrupt_total(void) {
    static char stat[65536];
    int fd = open("/proc/stat", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, stat, sizeof stat - 1);
    if (fd >= 0) close(fd);
    if (n <= 0) return 0;
    stat[n] = 0;
    const char *line = strstr(stat, "\nintr ");
    return line ? strtoull(line + 6, NULL, 10) : 0;
}

/* Tickless idle: with every thread asleep, no CPU takes a periodic tick. A 100 Hz tick would
 * be 50 interrupts per CPU in this half second; allow a few per CPU for timers that are due. */
static void tickless_checks(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long long before = interrupt_total();
    usleep(500000);
    unsigned long long idle = interrupt_total() - before;
    CHECK(before > 0 && idle <= 5ull * (unsigned long long)cpus + 5, "%llu interrupts in 0.5 s idle on %ld CPUs", idle, cpus);
}

/* Robust mutexes: a holder that dies passes the lock on with EOWNERDEAD (the kernel walks its
 * robust list at exit and marks the word), to a locker that comes later or one already waiting,
 * for a PI mutex too, and across processes for a process-shared one. */
static pthread_mutex_t robust_lock;
static atomic_int robust_held;
static void *robust_holder_dies(void *arg) {
    pthread_mutex_lock(arg);
    atomic_store(&robust_held, 1);
    usleep(100000);  /* long enough for a waiter to block (a late one sees the mark instead) */
    return NULL;     /* ends holding it */
}

static void init_robust(pthread_mutex_t *m, int protocol, int pshared) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setprotocol(&attr, protocol);
    pthread_mutexattr_setpshared(&attr, pshared);
    pthread_mutex_init(m, &attr);
}

static void robust_case(int protocol, const char *name) {
    init_robust(&robust_lock, protocol, PTHREAD_PROCESS_PRIVATE);
    atomic_store(&robust_held, 0);
    pthread_t t;
    pthread_create(&t, NULL, robust_holder_dies, &robust_lock);
    while (!atomic_load(&robust_held)) usleep(1000);
    int r = pthread_mutex_lock(&robust_lock);  /* waits, then the holder dies */
    pthread_join(t, NULL);
    CHECK(r == EOWNERDEAD, "%s: a waiter gets EOWNERDEAD when the holder dies (%d)", name, r);
    CHECK(pthread_mutex_consistent(&robust_lock) == 0 && pthread_mutex_unlock(&robust_lock) == 0, "%s: made consistent", name);
    CHECK(pthread_mutex_lock(&robust_lock) == 0 && pthread_mutex_unlock(&robust_lock) == 0, "%s: usable again", name);
    /* A locker that comes after the death. */
    pthread_create(&t, NULL, robust_holder_dies, &robust_lock);
    pthread_join(t, NULL);
    r = pthread_mutex_lock(&robust_lock);
    CHECK(r == EOWNERDEAD, "%s: a later locker gets EOWNERDEAD (%d)", name, r);
    pthread_mutex_consistent(&robust_lock);
    pthread_mutex_unlock(&robust_lock);
    pthread_mutex_destroy(&robust_lock);
}

static void robust_checks(void) {
    robust_case(PTHREAD_PRIO_NONE, "robust mutex");
    robust_case(PTHREAD_PRIO_INHERIT, "robust PI mutex");
    /* Process-shared, plain and PI: this process waits while the child holds it and dies. */
    struct { pthread_mutex_t m; atomic_int held; } *shared =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int protocols[2] = {PTHREAD_PRIO_NONE, PTHREAD_PRIO_INHERIT};
    for (int i = 0; i < 2; i++) {
        init_robust(&shared->m, protocols[i], PTHREAD_PROCESS_SHARED);
        atomic_store(&shared->held, 0);
        pid_t child = fork();
        if (child == 0) {
            pthread_mutex_lock(&shared->m);
            atomic_store(&shared->held, 1);
            usleep(100000);
            _exit(0);  /* the process ends holding it */
        }
        while (!atomic_load(&shared->held)) usleep(1000);
        int r = pthread_mutex_lock(&shared->m);
        int status;
        waitpid(child, &status, 0);
        CHECK(r == EOWNERDEAD, "a process-shared robust %s mutex whose holder process died: EOWNERDEAD (%d)",
              i ? "PI" : "plain", r);
        pthread_mutex_consistent(&shared->m);
        pthread_mutex_unlock(&shared->m);
    }
    munmap(shared, 4096);
}

static atomic_long detached_done, detached_wrong;
static void *detached(void *arg) {
    volatile char scratch[1024];
    for (int i = 0; i < 1024; i += 64) scratch[i] = (char)i;
    if (scratch[64] != 64 || (long)arg < 0 || (long)arg >= DETACHED) atomic_fetch_add(&detached_wrong, 1);
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

/* Threads moved between CPUs by another thread's sched_setaffinity while they make system calls:
 * Linux moves a running thread off a CPU its new mask excludes at once, so each move lands in the
 * middle of whatever call the thread was in. (A kernel that looked up "this CPU" and then read its
 * current thread in two steps saw the old CPU's thread there and panicked.) */
#define MOVERS 2
static atomic_int movers_failed, movers_stop, mover_tid[MOVERS], mover_cpu[MOVERS];
static atomic_long mover_calls;
static int mover_epoll, mover_pipe[2];

static void *mover(void *arg) {
    long i = (long)arg;
    atomic_store(&mover_tid[i], (int)syscall(SYS_gettid));
    long calls = 0;
    struct epoll_event ev;
    struct stat st;
    while (!atomic_load(&movers_stop)) {
        for (int k = 0; k < 20; k++) {
            if (epoll_wait(mover_epoll, &ev, 1, 0) != 0 || fstat(mover_pipe[0], &st) != 0 || !S_ISFIFO(st.st_mode) ||
                getppid() < 0)
                atomic_fetch_add(&movers_failed, 1);
            calls += 3;
        }
        atomic_store(&mover_cpu[i], sched_getcpu());
    }
    atomic_fetch_add(&mover_calls, calls);
    return NULL;
}

static void migration_checks(int cpus) {
    CHECK(pipe(mover_pipe) == 0, "pipe");
    mover_epoll = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};
    CHECK(epoll_ctl(mover_epoll, EPOLL_CTL_ADD, mover_pipe[0], &ev) == 0, "epoll_ctl");
    pthread_t t[MOVERS];
    for (long i = 0; i < MOVERS; i++) {
        atomic_store(&mover_cpu[i], -1);
        CHECK(pthread_create(&t[i], NULL, mover, (void *)i) == 0, "create mover %ld", i);
    }
    for (int i = 0; i < MOVERS; i++)
        while (!atomic_load(&mover_tid[i]) || atomic_load(&mover_cpu[i]) < 0) sched_yield();
    int rounds = 0, followed = 0;
    uint64_t until = now_ns(CLOCK_MONOTONIC) + 1000ull * 1000 * 1000;
    while (cpus > 1 && now_ns(CLOCK_MONOTONIC) < until && rounds < 100) {
        int target[MOVERS];
        for (int i = 0; i < MOVERS; i++) {
            cpu_set_t one;
            CPU_ZERO(&one);
            target[i] = (i + rounds + 1) % cpus;
            CPU_SET(target[i], &one);
            if (sched_setaffinity(atomic_load(&mover_tid[i]), sizeof one, &one) != 0) atomic_fetch_add(&movers_failed, 1);
        }
        rounds++;
        /* A thread spinning in system calls never blocks: only the kernel can move it. */
        uint64_t limit = now_ns(CLOCK_MONOTONIC) + 500ull * 1000 * 1000;
        int arrived = 0;
        while (arrived < MOVERS && now_ns(CLOCK_MONOTONIC) < limit) {
            arrived = 0;
            for (int i = 0; i < MOVERS; i++) arrived += atomic_load(&mover_cpu[i]) == target[i];
            if (arrived < MOVERS) sched_yield();
        }
        followed += arrived == MOVERS;
    }
    atomic_store(&movers_stop, 1);
    for (int i = 0; i < MOVERS; i++) pthread_join(t[i], NULL);
    CHECK(atomic_load(&movers_failed) == 0, "%d of %ld system calls from moving threads failed", atomic_load(&movers_failed),
          atomic_load(&mover_calls));
    CHECK(followed == rounds, "running threads followed %d of %d affinity changes made by another thread", followed,
          rounds);
    printf("movers: %d threads moved by another thread's sched_setaffinity %d times among %d CPUs, %ld system calls\n",
           MOVERS, rounds, cpus, atomic_load(&mover_calls));
    close(mover_epoll);
    close(mover_pipe[0]);
    close(mover_pipe[1]);
}

int main(void) {
    /* Many threads contending on one mutex. */
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0, "create %ld", i);
    long joined_ok = 0;
    for (long i = 0; i < THREADS; i++) {
        void *r;
        CHECK(pthread_join(t[i], &r) == 0, "join %ld", i);
        joined_ok += (long)r == i * 10 + 1;
    }
    CHECK(joined_ok == THREADS, "%ld threads returned their value and saw their own TLS", joined_ok);
    CHECK(counter == THREADS * ROUNDS, "counter %ld", counter);
    CHECK(tls_value == 0, "main's TLS untouched: %d", tls_value);
    int seen[64] = {0}, distinct = 0;
    for (int i = 0; i < THREADS; i++) {
        int c = worker_cpu[i];
        if (c >= 0 && c < 64 && !seen[c]++) distinct++;
    }
    printf("workers ran on %d CPUs\n", distinct);

    /* Condition variable broadcast. */
    pthread_t w[4];
    for (int i = 0; i < 4; i++) pthread_create(&w[i], NULL, waiter, NULL);
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    int woke = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(w[i], &r);
        woke += (long)r == 7;
    }
    CHECK(woke == 4, "%d of 4 condition waiters woke", woke);

    /* Raw futex: wrong value, timeout, and a wake from another thread. */
    futex_word = 0;
    CHECK_ERRNO(futex(&futex_word, FUTEX_WAIT_PRIVATE, 1, NULL), EAGAIN);
    struct timespec short_wait = {0, 30 * 1000 * 1000};
    uint64_t before = now_ns(CLOCK_MONOTONIC);
    CHECK_ERRNO(futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, &short_wait), ETIMEDOUT);
    uint64_t waited = now_ns(CLOCK_MONOTONIC) - before;
    CHECK(waited >= 30000000ull, "timed wait lasted %llu ns", (unsigned long long)waited);
    pthread_t wk;
    pthread_create(&wk, NULL, futex_waker, NULL);
    while (__atomic_load_n(&futex_word, __ATOMIC_SEQ_CST) == 0) futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
    pthread_join(wk, NULL);
    CHECK(futex_word == 1, "woken by the other thread");
    CHECK(futex(&futex_word, FUTEX_WAKE_PRIVATE, 1, NULL) == 0, "no waiter to wake");
    CHECK_ERRNO(futex((uint32_t *)((char *)&futex_word + 1), FUTEX_WAIT_PRIVATE, 0, NULL), EINVAL);
    CHECK_ERRNO(futex((uint32_t *)8, FUTEX_WAIT_PRIVATE, 0, NULL), EFAULT);

    /* Clocks and sleeping. */
    uint64_t m1 = now_ns(CLOCK_MONOTONIC);
    struct timespec fifty = {0, 50 * 1000 * 1000};
    CHECK(nanosleep(&fifty, NULL) == 0, "nanosleep");
    uint64_t m2 = now_ns(CLOCK_MONOTONIC);
    CHECK(m2 - m1 >= 50000000ull && m2 - m1 < 2000000000ull, "slept %llu ns", (unsigned long long)(m2 - m1));
    CHECK(now_ns(CLOCK_REALTIME) > 1600000000ull * 1000000000ull, "wall clock is after 2020");
    CHECK(now_ns(CLOCK_THREAD_CPUTIME_ID) > 0, "thread CPU time");
    CHECK(now_ns(CLOCK_PROCESS_CPUTIME_ID) >= now_ns(CLOCK_THREAD_CPUTIME_ID) / 2, "process CPU time");
    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0, "clock_getres");
    CHECK_ERRNO(clock_gettime((clockid_t)1234, &res), EINVAL);
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(nanosleep(&bad, NULL), EINVAL);
    CHECK_ERRNO(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)16), EFAULT);
    struct timespec abs = deadline_after(CLOCK_MONOTONIC, 20 * 1000 * 1000);
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0, "absolute sleep");
    CHECK(now_ns(CLOCK_MONOTONIC) >= (uint64_t)abs.tv_sec * 1000000000ull + abs.tv_nsec, "woke after the deadline");

    /* Affinity and scheduling parameters. */
    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK(sched_getaffinity(0, sizeof set, &set) == 0, "getaffinity");
    int cpus = CPU_COUNT(&set);
    CHECK(cpus >= 1, "%d CPUs", cpus);
    CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1, "online CPUs");
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    CHECK(sched_setaffinity(0, sizeof set, &set) == 0, "pin to CPU 0");
    CHECK(sched_getcpu() == 0, "running on CPU 0 after pinning");
    /* musl's wrappers refuse these (POSIX wants per-process semantics): use the raw calls. */
    struct sched_param sp = {.sched_priority = 10};
    CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) == 0, "SCHED_FIFO");
    CHECK(syscall(SYS_sched_getscheduler, 0) == SCHED_FIFO, "policy reads back");
    sp.sched_priority = 0;
    CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp) == 0, "back to SCHED_OTHER");
    sp.sched_priority = 200;
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EINVAL);
    CHECK(sched_get_priority_max(SCHED_RR) == 99 && sched_get_priority_min(SCHED_RR) == 1, "priority range");
    long created = 0;
    for (long i = 0; i < DETACHED; i++) {
        pthread_t d;
        if (pthread_create(&d, NULL, detached, (void *)i) != 0) break;
        pthread_detach(d);
        created++;
        while (created - atomic_load(&detached_done) > 8) sched_yield();
    }
    while (atomic_load(&detached_done) < created) sched_yield();
    CHECK(created == DETACHED && atomic_load(&detached_wrong) == 0, "%ld detached threads, %ld saw a wrong argument",
          created, atomic_load(&detached_wrong));

    migration_checks(cpus);
    pi_checks();
    wake_op_checks();
    bitset_and_shared_checks();
    robust_checks();
    policy_checks();
    tickless_checks();
    return check_summary();
}
