/*
 * LD_PRELOAD shim for the wall-clock step test: moves CLOCK_REALTIME (and
 * gettimeofday, time) by $WIR_TEST_CLOCK_SHIFT seconds, as an NTP step or a VM
 * resumed with a wrong clock would. The boot clock is left alone. Built by
 * the test with `cc -shared -fPIC`.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long shift(void) {
    const char *text = getenv("WIR_TEST_CLOCK_SHIFT");
    return text ? atol(text) : 0;
}

int clock_gettime(clockid_t id, struct timespec *out) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int rc = real(id, out);
    if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) out->tv_sec += shift();
    return rc;
}

int gettimeofday(struct timeval *out, void *zone) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    (void)zone;
    if (out) { out->tv_sec = now.tv_sec; out->tv_usec = now.tv_nsec / 1000; }
    return 0;
}

time_t time(time_t *out) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (out) *out = now.tv_sec;
    return now.tv_sec;
}
