/* Threads: creation and join, mutexes and condition variables under contention, TLS,
 * raw futex operations, sleeping and clocks, CPU affinity. */
#define _GNU_SOURCE
#include "../include/check.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifndef FUTEX_WAIT_PRIVATE
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#endif
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
static void *pi_holder(void *arg) {
    (void)arg;
    pthread_mutex_lock(&pi_lock);
    usleep(300000);
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
    usleep(100000);
    CHECK(pthread_mutex_trylock(&pi_lock) == EBUSY, "trylock of a held PI mutex is EBUSY");
    struct timespec soon;
    clock_gettime(CLOCK_REALTIME, &soon);
    soon.tv_nsec += 50000000;
    if (soon.tv_nsec >= 1000000000) { soon.tv_sec++; soon.tv_nsec -= 1000000000; }
    CHECK(pthread_mutex_timedlock(&pi_lock, &soon) == ETIMEDOUT, "timedlock of a held PI mutex times out");
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

static void *op_waiter(void *arg) {
    uint32_t *word = arg;
    uint32_t seen = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    atomic_fetch_add(&op_waiting, 1);
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen && futex(word, FUTEX_WAIT_PRIVATE, seen, NULL) != 0 && errno == EINTR) {}
    atomic_fetch_add(&op_woken, 1);
    return NULL;
}

static void *op_adder(void *arg) {
    (void)arg;
    for (int i = 0; i < 20000; i++) futex6(&op_first, RAW_FUTEX_WAKE_OP_PRIVATE, 0, 0, &op_second, WAKE_OP(OP_ADD, 1, OP_CMP_GT, 0x7ff));
    return NULL;
}

/* Waits until `n` waiters have announced themselves and had time to go to sleep. */
static void settle(int n) {
    while (atomic_load(&op_waiting) < n) sched_yield();
    usleep(100000);
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

static atomic_long detached_done, detached_wrong;
static void *detached(void *arg) {
    volatile char scratch[1024];
    for (int i = 0; i < 1024; i += 64) scratch[i] = (char)i;
    if (scratch[64] != 64 || (long)arg < 0 || (long)arg >= DETACHED) atomic_fetch_add(&detached_wrong, 1);
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

static uint64_t now_ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
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
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 20 * 1000 * 1000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
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

    pi_checks();
    wake_op_checks();
    return check_summary();
}
