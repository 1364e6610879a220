/* Threads: futex ping-pong between two threads (round trips per second) and pthread
 * create + join (microseconds per thread).
 * Usage: threads [ROUND_TRIPS] [THREADS] */
#include "bench.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef FUTEX_WAIT_PRIVATE
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#endif

static uint32_t turn;  // 0: the main thread's turn, 1: the partner's
static long round_trips;

static void futex_wait(uint32_t *word, uint32_t value) {
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) == value) {
        if (syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0) != 0 && errno != EAGAIN && errno != EINTR)
            bench_fail("FUTEX_WAIT");
    }
}

static void pass_to(uint32_t value) {
    __atomic_store_n(&turn, value, __ATOMIC_RELEASE);
    if (syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 0) bench_fail("FUTEX_WAKE");
}

static void *partner(void *arg) {
    (void)arg;
    for (long i = 0; i < round_trips; i++) {
        futex_wait(&turn, 0);  // until it is 1
        pass_to(0);
    }
    return NULL;
}

static void *nothing(void *arg) { return arg; }

int main(int argc, char **argv) {
    round_trips = bench_count(argc, argv, 1, 20000);
    long threads = bench_count(argc, argv, 2, 2000);

    pthread_t t;
    if (pthread_create(&t, NULL, partner, NULL) != 0) bench_fail("pthread_create");
    long long start = bench_now_ns();
    for (long i = 0; i < round_trips; i++) {
        pass_to(1);
        futex_wait(&turn, 1);  // until it is 0 again
    }
    double seconds = (double)(bench_now_ns() - start) / 1e9;
    pthread_join(t, NULL);
    bench_report("futex-pingpong", round_trips / seconds, "round-trips/s");

    start = bench_now_ns();
    for (long i = 0; i < threads; i++) {
        void *result = NULL;
        if (pthread_create(&t, NULL, nothing, (void *)(i + 1)) != 0) bench_fail("pthread_create");
        if (pthread_join(t, &result) != 0 || result != (void *)(i + 1)) bench_fail("pthread_join");
    }
    bench_report("thread-create-join", (double)(bench_now_ns() - start) / 1e3 / threads, "us/op");
    return 0;
}
